// One ONNX model run with ONNX Runtime's CPU provider: a float tensor in, a
// float tensor out. ONNX Runtime is not packaged by Debian 12; the scripts
// install the build that the npm package onnxruntime-node ships, and it is
// loaded at run time (dlopen) through its C ABI, which ONNX Runtime only ever
// appends to, so no header of it is needed at build time.
// BLOCKING: run() computes on the calling thread; one model per worker.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/expected.hpp>

namespace khaacho::ocr {

struct float_tensor {
  std::vector<int64_t> shape;
  std::vector<float> values;  ///< row-major
};

class onnx_model {
public:
  /// Loads `library` (libonnxruntime.so.1; once per process, the first
  /// path given wins) and the model at `model_path`, to run on one thread.
  /// Errors: errc::bad_input when either cannot be loaded.
  static caf::expected<std::unique_ptr<onnx_model>> open(const std::string& library,
                                                         const std::string& model_path);
  ~onnx_model();
  onnx_model(const onnx_model&) = delete;
  onnx_model& operator=(const onnx_model&) = delete;

  /// Runs the model on its first input; returns its first output.
  /// Errors: errc::bad_input with ONNX Runtime's message (a wrong shape).
  caf::expected<float_tensor> run(const float_tensor& input);

private:
  onnx_model() = default;
  struct session;
  std::unique_ptr<session> session_;
};

}  // namespace khaacho::ocr
