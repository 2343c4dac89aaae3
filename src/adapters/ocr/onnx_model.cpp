#include "adapters/ocr/onnx_model.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <mutex>

#include "common/errc.hpp"

namespace khaacho::ocr {

namespace {

// Opaque ONNX Runtime handles.
struct OrtEnv;
struct OrtStatus;
struct OrtSessionOptions;
struct OrtSession;
struct OrtMemoryInfo;
struct OrtValue;
struct OrtTensorTypeAndShapeInfo;
struct OrtAllocator;
struct OrtRunOptions;

/// The entries of ONNX Runtime's `OrtApi` function table used here, by their
/// position in it. The table is append-only across releases (API version 13
/// is asked for; 1.30 serves it), so positions never change.
enum api_slot : size_t {
  get_error_message = 2,
  create_env = 3,
  create_session = 7,
  run_session = 9,
  create_session_options = 10,
  set_graph_optimization_level = 23,
  set_intra_op_threads = 24,
  set_inter_op_threads = 25,
  session_get_input_name = 36,
  session_get_output_name = 37,
  create_tensor_with_data = 49,
  get_tensor_mutable_data = 51,
  get_dimensions_count = 61,
  get_dimensions = 62,
  get_tensor_type_and_shape = 65,
  create_cpu_memory_info = 69,
  allocator_free = 76,
  get_default_allocator = 78,
  release_status = 93,
  release_memory_info = 94,
  release_session = 95,
  release_value = 96,
  release_type_and_shape = 99,
  release_session_options = 100,
};
constexpr uint32_t api_version = 13;
// Its failures reach the caller as errors with its message; its own log
// would print each a second time, unstructured, on stderr.
constexpr int logging_fatal = 4;       // ORT_LOGGING_LEVEL_FATAL
constexpr int optimize_all = 99;       // ORT_ENABLE_ALL
constexpr int arena_allocator = 1;     // OrtArenaAllocator
constexpr int cpu_memory = 0;          // OrtMemTypeDefault
constexpr int element_float = 1;       // ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT

struct api_base {
  void* const* (*get_api)(uint32_t version);
  const char* (*get_version_string)();
};

/// The loaded library: its function table and the process's one OrtEnv.
struct runtime {
  void* const* table = nullptr;
  OrtEnv* env = nullptr;
  std::string error;  ///< why loading failed, when table is null

  template <class Fn>
  Fn fn(api_slot slot) const {
    return reinterpret_cast<Fn>(table[slot]);
  }

  /// Empty for success; else ONNX Runtime's message (the status released).
  std::string check(OrtStatus* status) const {
    if (status == nullptr)
      return {};
    std::string message = fn<const char* (*)(const OrtStatus*)>(get_error_message)(status);
    fn<void (*)(OrtStatus*)>(release_status)(status);
    return message.empty() ? "ONNX Runtime failed" : message;
  }
};

/// Values a tensor of `shape` holds (a dimension not above 0 holds none).
size_t element_count(const std::vector<int64_t>& shape) {
  size_t n = 1;
  for (int64_t d : shape)
    n *= d > 0 ? static_cast<size_t>(d) : 0;
  return n;
}

const runtime& load_runtime(const std::string& library) {
  static runtime rt;
  static std::once_flag once;
  std::call_once(once, [&] {
    // Never unloaded: its threads and the env live as long as the process.
    void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      rt.error = "cannot load ONNX Runtime from '" + library + "': " + (why ? why : "unknown error");
      return;
    }
    auto get_base = reinterpret_cast<const api_base* (*)()>(dlsym(handle, "OrtGetApiBase"));
    const api_base* base = get_base ? get_base() : nullptr;
    void* const* table = base ? base->get_api(api_version) : nullptr;
    if (table == nullptr) {
      rt.error = "'" + library + "' is not an ONNX Runtime serving C API version 13";
      return;
    }
    rt.table = table;
    OrtEnv* env = nullptr;
    auto err = rt.check(rt.fn<OrtStatus* (*)(int, const char*, OrtEnv**)>(create_env)(
      logging_fatal, "khaacho", &env));
    if (!err.empty()) {
      rt.table = nullptr;
      rt.error = "ONNX Runtime would not start: " + err;
      return;
    }
    rt.env = env;
  });
  return rt;
}

}  // namespace

struct onnx_model::session {
  const runtime* rt = nullptr;
  std::string name;  ///< the model file's name, for errors
  OrtSession* handle = nullptr;
  OrtMemoryInfo* memory = nullptr;
  std::string input_name;
  std::string output_name;
};

caf::expected<std::unique_ptr<onnx_model>> onnx_model::open(const std::string& library,
                                                            const std::string& model_path) {
  const runtime& rt = load_runtime(library);
  if (rt.table == nullptr)
    return caf::make_error(errc::bad_input, rt.error);
  std::unique_ptr<onnx_model> out{new onnx_model};
  out->session_ = std::make_unique<session>();
  auto& s = *out->session_;
  s.rt = &rt;
  s.name = std::filesystem::path{model_path}.filename().string();
  OrtSessionOptions* options = nullptr;
  auto err = rt.check(rt.fn<OrtStatus* (*)(OrtSessionOptions**)>(create_session_options)(&options));
  if (err.empty()) {
    // One thread: the OCR pool already runs one worker per core.
    auto set_threads = rt.fn<OrtStatus* (*)(OrtSessionOptions*, int)>(set_intra_op_threads);
    err = rt.check(set_threads(options, 1));
    if (err.empty())
      err = rt.check(rt.fn<OrtStatus* (*)(OrtSessionOptions*, int)>(set_inter_op_threads)(options, 1));
    if (err.empty())
      err = rt.check(rt.fn<OrtStatus* (*)(OrtSessionOptions*, int)>(set_graph_optimization_level)(
        options, optimize_all));
    if (err.empty())
      err = rt.check(rt.fn<OrtStatus* (*)(const OrtEnv*, const char*, const OrtSessionOptions*, OrtSession**)>(
        create_session)(rt.env, model_path.c_str(), options, &s.handle));
    rt.fn<void (*)(OrtSessionOptions*)>(release_session_options)(options);
  }
  if (err.empty())
    err = rt.check(rt.fn<OrtStatus* (*)(int, int, OrtMemoryInfo**)>(create_cpu_memory_info)(
      arena_allocator, cpu_memory, &s.memory));
  OrtAllocator* allocator = nullptr;
  if (err.empty())
    err = rt.check(rt.fn<OrtStatus* (*)(OrtAllocator**)>(get_default_allocator)(&allocator));
  for (auto [slot, name] : {std::pair{session_get_input_name, &s.input_name},
                            std::pair{session_get_output_name, &s.output_name}}) {
    if (!err.empty())
      break;
    char* raw = nullptr;
    err = rt.check(rt.fn<OrtStatus* (*)(const OrtSession*, size_t, OrtAllocator*, char**)>(slot)(
      s.handle, 0, allocator, &raw));
    if (raw != nullptr) {
      *name = raw;
      rt.check(rt.fn<OrtStatus* (*)(OrtAllocator*, void*)>(allocator_free)(allocator, raw));
    }
  }
  if (!err.empty())
    return caf::make_error(errc::bad_input, "cannot load the model '" + model_path + "': " + err);
  return out;
}

onnx_model::~onnx_model() {
  if (!session_)
    return;
  const runtime& rt = *session_->rt;
  if (session_->memory != nullptr)
    rt.fn<void (*)(OrtMemoryInfo*)>(release_memory_info)(session_->memory);
  if (session_->handle != nullptr)
    rt.fn<void (*)(OrtSession*)>(release_session)(session_->handle);
}

caf::expected<float_tensor> onnx_model::run(const float_tensor& input) {
  const runtime& rt = *session_->rt;
  if (input.shape.empty() || element_count(input.shape) != input.values.size())
    return caf::make_error(errc::bad_input, "the input tensor's shape does not match its values");
  OrtValue* in = nullptr;
  auto err = rt.check(
    rt.fn<OrtStatus* (*)(const OrtMemoryInfo*, void*, size_t, const int64_t*, size_t, int, OrtValue**)>(
      create_tensor_with_data)(session_->memory, const_cast<float*>(input.values.data()),
                               input.values.size() * sizeof(float), input.shape.data(), input.shape.size(),
                               element_float, &in));
  OrtValue* out = nullptr;
  if (err.empty()) {
    const char* in_name = session_->input_name.c_str();
    const char* out_name = session_->output_name.c_str();
    const OrtValue* inputs[] = {in};
    err = rt.check(rt.fn<OrtStatus* (*)(OrtSession*, const OrtRunOptions*, const char* const*,
                                        const OrtValue* const*, size_t, const char* const*, size_t,
                                        OrtValue**)>(run_session)(session_->handle, nullptr, &in_name, inputs,
                                                                  1, &out_name, 1, &out));
  }
  float_tensor result;
  OrtTensorTypeAndShapeInfo* info = nullptr;
  if (err.empty())
    err = rt.check(rt.fn<OrtStatus* (*)(const OrtValue*, OrtTensorTypeAndShapeInfo**)>(
      get_tensor_type_and_shape)(out, &info));
  if (err.empty()) {
    size_t dims = 0;
    err = rt.check(rt.fn<OrtStatus* (*)(const OrtTensorTypeAndShapeInfo*, size_t*)>(get_dimensions_count)(
      info, &dims));
    result.shape.resize(dims);
    if (err.empty())
      err = rt.check(rt.fn<OrtStatus* (*)(const OrtTensorTypeAndShapeInfo*, int64_t*, size_t)>(get_dimensions)(
        info, result.shape.data(), dims));
  }
  if (err.empty()) {
    void* data = nullptr;
    err = rt.check(rt.fn<OrtStatus* (*)(OrtValue*, void**)>(get_tensor_mutable_data)(out, &data));
    size_t n = element_count(result.shape);
    if (err.empty() && data != nullptr)
      result.values.assign(static_cast<const float*>(data), static_cast<const float*>(data) + n);
  }
  if (info != nullptr)
    rt.fn<void (*)(OrtTensorTypeAndShapeInfo*)>(release_type_and_shape)(info);
  if (out != nullptr)
    rt.fn<void (*)(OrtValue*)>(release_value)(out);
  if (in != nullptr)
    rt.fn<void (*)(OrtValue*)>(release_value)(in);
  if (!err.empty())
    return caf::make_error(errc::bad_input, "the model '" + session_->name + "' would not run: " + err);
  return result;
}

}  // namespace khaacho::ocr
