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

/// Share of Devanagari letters (not digits) among the Latin and Devanagari
/// letters of UTF-8 `text`; 0 when it has none.
double foreign_letter_share(std::string_view text);

/// Reads the cleaned page with all the configured languages. When they are
/// English plus others ("eng+nep") and that reading finds (almost) no letters
/// outside the Latin script, the page is English: it is read again with
/// `eng` alone, which reads Latin handwriting better than the mixed model
/// (that one turns doubtful Latin strokes into Devanagari digits and signs).
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

  /// Pages whose first reading has at most this share of non-Latin letters
  /// are read again with English alone; a negative value never does.
  void set_english_share(double max_foreign_share) { max_foreign_share_ = max_foreign_share; }

  /// Sets a Tesseract parameter for the reads that follow
  /// (benchmarks and tuning); false when Tesseract has no such parameter.
  bool set_variable(const std::string& name, const std::string& value);

private:
  tesseract_ocr() = default;
  std::unique_ptr<tesseract::TessBaseAPI> api_;      ///< all the languages
  std::unique_ptr<tesseract::TessBaseAPI> english_;  ///< eng alone, when api_ has more
  cleanup_options cleanup_;
  /// Measured on the dev set: English pages read with eng+nep show 0-6 %
  /// stray Devanagari letters, mixed pages 2-40 %; 2 % keeps mixed pages safe.
  double max_foreign_share_ = 0.02;
};

}  // namespace khaacho::ocr
