// A second reader of the page: PaddleOCR's PP-OCRv4 text detector (finds
// the lines) and line recognizer (reads them), neural networks trained on
// far more handwriting-like and photographed text than Tesseract's models,
// run with ONNX Runtime. Its reading is one more alternative for the
// per-line choice; on the dev set's Latin pages it reads digits such as
// "20" that Tesseract takes for "U" or "W". It knows Chinese and Latin,
// not Devanagari.
// BLOCKING, one reader per worker (like the Tesseract engine it serves).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "adapters/ocr/onnx_model.hpp"
#include "model/line_confidence.hpp"
#include "model/line_placement.hpp"

struct Pix;

namespace khaacho::ocr {

/// A line the model read, and where it is on the page.
struct placed_line {
  model::ocr_line line;
  model::line_span span;
};

class line_model {
public:
  /// The folder the scripts install: `det.onnx` (the detector), `rec.onnx`
  /// (the recognizer), `keys.txt` (its characters, one a line) and
  /// `libonnxruntime.so.1`.
  /// Errors: errc::bad_input naming what is missing or broken.
  static caf::expected<std::unique_ptr<line_model>> open(const std::string& folder);

  /// The text lines of the 8-bit gray `page`, top to bottom; pieces of one
  /// line that the detector found apart (a name, a gap, its amount) are
  /// joined left to right. Lines it reads as nothing or only as Chinese
  /// characters are left out. Errors only when a model cannot run.
  caf::expected<std::vector<placed_line>> read_page(Pix* page);

private:
  line_model() = default;
  std::unique_ptr<onnx_model> detector_;
  std::unique_ptr<onnx_model> recognizer_;
  std::vector<std::string> vocabulary_;
};

}  // namespace khaacho::ocr
