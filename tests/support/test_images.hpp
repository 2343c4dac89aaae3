// Real image files for tests, encoded by Leptonica (libjpeg, libpng,
// libwebp): every call with a different seed gives different bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace khaacho::test {

enum class image_kind { jpeg, png, webp };

/// A `width` x `height` picture of noise and stripes, encoded as `kind`.
std::string make_image(image_kind kind, int width, int height, uint32_t seed);

/// Pen marks on a rendered page, by line index.
struct page_marks {
  std::vector<size_t> struck;      ///< a stroke through the middle of the text
  std::vector<size_t> underlined;  ///< a stroke under the text
  std::vector<size_t> ruled;       ///< a rule of the paper across the whole page, low in the letters
};

/// A white page with `lines` of black text (Leptonica's bitmap font, scaled
/// 2x), encoded as PNG: a real, if crude, order list for OCR tests.
std::string render_text_page(const std::vector<std::string>& lines, const page_marks& marks = {});

inline std::string make_jpeg(uint32_t seed, int w = 64, int h = 48) {
  return make_image(image_kind::jpeg, w, h, seed);
}
inline std::string make_png(uint32_t seed, int w = 64, int h = 48) {
  return make_image(image_kind::png, w, h, seed);
}
inline std::string make_webp(uint32_t seed, int w = 64, int h = 48) {
  return make_image(image_kind::webp, w, h, seed);
}

}  // namespace khaacho::test
