#include "support/test_images.hpp"

#include <algorithm>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include <leptonica/allheaders.h>

namespace khaacho::test {

std::string make_image(image_kind kind, int width, int height, uint32_t seed) {
  PIX* pix = pixCreate(width, height, 32);
  if (pix == nullptr)
    throw std::runtime_error("pixCreate failed");
  std::mt19937 rng{seed};
  std::uniform_int_distribution<int> noise{0, 255};
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      int stripe = ((x / 8 + y / 8 + static_cast<int>(seed)) % 2) ? 200 : 40;
      int v = (stripe + noise(rng)) / 2;
      pixSetRGBPixel(pix, x, y, v, (v + static_cast<int>(seed)) % 256, 255 - v);
    }
  int format = kind == image_kind::jpeg ? IFF_JFIF_JPEG : kind == image_kind::png ? IFF_PNG : IFF_WEBP;
  l_uint8* data = nullptr;
  size_t size = 0;
  int failed = pixWriteMem(&data, &size, pix, format);
  pixDestroy(&pix);
  if (failed != 0 || data == nullptr)
    throw std::runtime_error("pixWriteMem failed");
  std::string out{reinterpret_cast<const char*>(data), size};
  lept_free(data);
  return out;
}

}  // namespace khaacho::test

namespace khaacho::test {

std::string render_text_page(const std::vector<std::string>& lines, const page_marks& marks) {
  L_BMF* font = bmfCreate(nullptr, 20);
  if (font == nullptr)
    throw std::runtime_error("bmfCreate failed");
  // 80 px between baselines: the 20 pt font's descenders and capitals of
  // neighbouring lines must not touch, or Tesseract merges them.
  PIX* page = pixCreate(1300, 80 + 80 * static_cast<int>(lines.size()), 32);
  pixSetAll(page);
  int y = 60;
  auto marked = [](const std::vector<size_t>& v, size_t i) {
    return std::find(v.begin(), v.end(), i) != v.end();
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    l_int32 width = 0;
    l_int32 overflow = 0;
    pixSetTextline(page, font, lines[i].c_str(), 0x00000000, 40, y, &width, &overflow);
    // y is the baseline; the font's small letters are about 10 px high.
    if (marked(marks.struck, i))
      pixRenderLineArb(page, 32, y - 6, 48 + width, y - 4, 2, 0, 0, 0);
    if (marked(marks.underlined, i))
      pixRenderLineArb(page, 36, y + 5, 44 + width, y + 5, 2, 0, 0, 0);
    if (marked(marks.ruled, i))
      pixRenderLineArb(page, 0, y - 2, 1299, y - 2, 1, 0, 0, 0);
    y += 80;
  }
  bmfDestroy(&font);
  // The bitmap font is small; a phone photo's letters are larger.
  PIX* big = pixScale(page, 2.0f, 2.0f);
  pixDestroy(&page);
  l_uint8* data = nullptr;
  size_t size = 0;
  int failed = pixWriteMem(&data, &size, big, IFF_PNG);
  pixDestroy(&big);
  if (failed != 0 || data == nullptr)
    throw std::runtime_error("pixWriteMem failed");
  std::string out{reinterpret_cast<char*>(data), size};
  lept_free(data);
  return out;
}

}  // namespace khaacho::test
