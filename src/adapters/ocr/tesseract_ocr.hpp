// Tesseract OCR (the embedded default): one TessBaseAPI per worker, created
// once with the configured languages (eng+nep), fed the cleaned page.
#pragma once

#include <memory>
#include <string>

#include "adapters/ocr/ocr_engine.hpp"
#include "adapters/ocr/page_cleanup.hpp"

namespace tesseract {
class TessBaseAPI;
}

namespace khaacho::ocr {

class tesseract_ocr : public ocr_engine {
public:
  /// Errors: errc::bad_input when the language data cannot be loaded.
  static caf::expected<std::unique_ptr<tesseract_ocr>> open(const std::string& languages,
                                                            cleanup_options cleanup = {},
                                                            int page_seg_mode = 6);
  ~tesseract_ocr() override;

  // ocr_engine

  caf::expected<ocr_result> read(std::string_view image_bytes) override;
  std::string name() const override { return "tesseract"; }

  /// Sets a Tesseract parameter for the reads that follow
  /// (benchmarks and tuning); false when Tesseract has no such parameter.
  bool set_variable(const std::string& name, const std::string& value);

private:
  tesseract_ocr() = default;
  std::unique_ptr<tesseract::TessBaseAPI> api_;
  cleanup_options cleanup_;
};

}  // namespace khaacho::ocr
