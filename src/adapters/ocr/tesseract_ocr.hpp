// Tesseract OCR (the embedded default): one TessBaseAPI per worker, created
// once with the configured languages, fed the cleaned page at one or more
// scales ("readings").
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "adapters/ocr/ocr_engine.hpp"
#include "adapters/ocr/page_cleanup.hpp"

namespace tesseract {
class TessBaseAPI;
}

namespace khaacho::ocr {

class line_model;

/// Share of Devanagari letters (not digits) among the Latin and Devanagari
/// letters of UTF-8 `text`; 0 when it has none.
double foreign_letter_share(std::string_view text);

/// The clean-ups of the default readings, in order. The first brings the
/// page to 800-1100 px wide, the second sizes letters to about 20 px. On
/// the dev set each alone reads items about equally well (item F1 0.74),
/// and keeping per line the reading that fits the catalog gives 0.77:
/// Tesseract's misreadings at one scale are often right at the other.
std::vector<cleanup_options> default_readings();

/// Line heights (px) at which doubtful lines are read again alone. On the
/// dev set (offline): 32 and 48 px for lines under 0.8 confidence took item
/// F1 0.783 -> 0.803 (photos 0.80 -> 0.86) for 20-35 % more OCR time; under
/// 0.85 0.801, under 0.9 0.806 with 50 % more; adding 24 px (0.793) or
/// taking 40 px alone (0.792) did worse.
inline std::vector<int> line_reread_heights() {
  return {32, 48};
}

/// Reads the cleaned page with all the configured languages, once per
/// reading; the first reading is the text, the others are its alternatives
/// line by line (ocr_result::line_readings). When they are
/// English plus others ("eng+nep") and that reading finds (almost) no letters
/// outside the Latin script, the page is English: it is read again with
/// `eng` alone, which reads Latin handwriting better than the mixed model
/// (that one turns doubtful Latin strokes into Devanagari digits and signs).
class tesseract_ocr : public ocr_engine {
public:
  /// Errors: errc::bad_input when the language data cannot be loaded.
  /// `readings` must not be empty.
  static caf::expected<std::unique_ptr<tesseract_ocr>> open(
    const std::string& languages, std::vector<cleanup_options> readings = default_readings(),
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

  /// Lines of the first reading read with less confidence than
  /// `below_confidence` are read again on their own (single-line
  /// segmentation) at each of `heights` px, as more alternatives for the
  /// extract stage to choose from. Empty `heights`: never.
  void set_line_rereads(std::vector<int> heights, double below_confidence) {
    line_reread_heights_ = std::move(heights);
    reread_below_ = below_confidence;
  }

  /// Every line of the first reading without Devanagari letters is also
  /// read by `model`, as one more alternative of the line. Null: never.
  void set_line_model(std::unique_ptr<line_model> model);

private:
  tesseract_ocr() = default;
  /// Reads `photo` (decoded, gray) with the line model and adds its lines
  /// to `out`: each as one more alternative of the Tesseract line at its
  /// height (`boxes`, in a page `page_height` px high), or as a line of its
  /// own where Tesseract saw none (unless a line seen crossed out is
  /// there). True when it added anything.
  caf::expected<bool> add_line_model_reading(Pix* photo, ocr_result& out,
                                             std::vector<std::vector<model::ocr_line>>& groups,
                                             const std::vector<std::array<int, 4>>& boxes,
                                             const std::vector<std::array<int, 4>>& struck, int page_height);
  std::unique_ptr<line_model> line_model_;
  std::unique_ptr<tesseract::TessBaseAPI> api_;      ///< all the languages
  std::unique_ptr<tesseract::TessBaseAPI> english_;  ///< eng alone, when api_ has more
  std::vector<cleanup_options> readings_;
  /// Measured on the dev set: English pages read with eng+nep show 0-6 %
  /// stray Devanagari letters, mixed pages 2-40 %; 2 % keeps mixed pages safe.
  double max_foreign_share_ = 0.02;
  std::vector<int> line_reread_heights_;
  double reread_below_ = 0.0;
  int page_seg_mode_ = 6;
};

}  // namespace khaacho::ocr
