#include "adapters/ocr/page_cleanup.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <leptonica/allheaders.h>

#include "common/errc.hpp"
#include "model/exif_orientation.hpp"
#include "model/image_sniffer.hpp"

namespace khaacho::ocr {

void pix_deleter::operator()(Pix* p) const noexcept {
  if (p != nullptr)
    pixDestroy(&p);
}

namespace {

pix_ptr adopt(PIX* p) {
  return pix_ptr{p};
}

/// Applies EXIF orientation 2..8 (mirror and/or rotate) so the page is upright.
pix_ptr upright(pix_ptr pix, int orientation) {
  PIX* p = pix.get();
  switch (orientation) {
    case 2: return adopt(pixFlipLR(nullptr, p));
    case 3: return adopt(pixRotate180(nullptr, p));
    case 4: return adopt(pixFlipTB(nullptr, p));
    case 5: {
      pix_ptr r{pixRotate90(p, 1)};
      return adopt(pixFlipLR(nullptr, r.get()));
    }
    case 6: return adopt(pixRotate90(p, 1));
    case 7: {
      pix_ptr r{pixRotate90(p, -1)};
      return adopt(pixFlipLR(nullptr, r.get()));
    }
    case 8: return adopt(pixRotate90(p, -1));
    default: return pix;
  }
}

}  // namespace

double speck_ratio(Pix* gray) {
  // Dark specks of a pixel or two are noise, not writing: strokes of even
  // the thinnest pen join into larger components.
  pix_ptr bin{pixConvertTo1(gray, 128)};
  if (!bin)
    return 0.0;
  BOXA* boxes = pixConnCompBB(bin.get(), 8);
  if (boxes == nullptr)
    return 0.0;
  l_int32 n = boxaGetCount(boxes);
  l_int32 specks = 0;
  for (l_int32 i = 0; i < n; ++i) {
    l_int32 x = 0, y = 0, w = 0, h = 0;
    boxaGetBoxGeometry(boxes, i, &x, &y, &w, &h);
    if (w * h <= 4)
      ++specks;
  }
  boxaDestroy(&boxes);
  return n == 0 ? 0.0 : static_cast<double>(specks) / static_cast<double>(n);
}

int median_letter_height(Pix* gray) {
  PIX* bin = nullptr;
  if (pixSauvolaBinarizeTiled(gray, 15, 0.34f, 1, 1, nullptr, &bin) != 0 || bin == nullptr)
    return 0;
  pix_ptr owned{bin};
  BOXA* boxes = pixConnCompBB(bin, 8);
  if (boxes == nullptr)
    return 0;
  int page_w = pixGetWidth(gray), page_h = pixGetHeight(gray);
  std::vector<int> heights;
  l_int32 n = boxaGetCount(boxes);
  for (l_int32 i = 0; i < n; ++i) {
    l_int32 x = 0, y = 0, w = 0, h = 0;
    boxaGetBoxGeometry(boxes, i, &x, &y, &w, &h);
    // Specks, rules of ruled paper and page edges are not letters.
    if (h < 5 || h > page_h / 8 || w > page_w / 6 || w * 8 < h)
      continue;
    heights.push_back(h);
  }
  boxaDestroy(&boxes);
  if (heights.size() < 20)
    return 0;
  auto mid = heights.begin() + static_cast<std::ptrdiff_t>(heights.size() / 2);
  std::nth_element(heights.begin(), mid, heights.end());
  return *mid;
}

pix_ptr clip(Pix* page, int x0, int y0, int x1, int y1) {
  BOX* box = boxCreate(x0, y0, x1 - x0, y1 - y0);
  pix_ptr out{pixClipRectangle(page, box, nullptr)};
  boxDestroy(&box);
  return out;
}

caf::expected<pix_ptr> decode_photo(std::string_view image_bytes, uint64_t max_pixels) {
  if (image_bytes.empty())
    return caf::make_error(errc::bad_input, "the photo is empty");
  if (auto info = model::sniff_image(image_bytes);
      info && static_cast<uint64_t>(info->width) * info->height > max_pixels)
    return caf::make_error(errc::bad_input,
                           "the photo is too large to read (" + std::to_string(info->width) + " x "
                             + std::to_string(info->height) + " pixels); please send a smaller one");
  pix_ptr pix{pixReadMem(reinterpret_cast<const l_uint8*>(image_bytes.data()), image_bytes.size())};
  if (!pix || pixGetWidth(pix.get()) < 16 || pixGetHeight(pix.get()) < 16)
    return caf::make_error(errc::bad_input,
                           "the photo could not be read; please take it again as JPEG or PNG");
  pix = upright(std::move(pix), model::exif_orientation(image_bytes));
  if (!pix)
    return caf::make_error(errc::bad_input, "the photo could not be turned upright");

  pix_ptr gray{pixConvertTo8(pix.get(), 0)};
  if (!gray)
    return caf::make_error(errc::bad_input, "the photo's colours could not be read");
  return gray;
}

caf::expected<pix_ptr> clean_page(std::string_view image_bytes, const cleanup_options& opts) {
  auto photo = decode_photo(image_bytes, opts.max_pixels);
  if (!photo)
    return photo.error();
  return clean_page(photo->get(), opts);
}

pix_ptr clean_page(Pix* photo, const cleanup_options& opts) {
  // Every step below makes a new picture: the photo is never changed.
  pix_ptr gray{pixClone(photo)};
  int w = pixGetWidth(gray.get());
  float factor = 1.0f;
  if (w < opts.min_width)
    factor = std::min(3.0f, static_cast<float>(opts.min_width) / static_cast<float>(w));
  else if (w > opts.max_width)
    factor = static_cast<float>(opts.max_width) / static_cast<float>(w);
  if (opts.text_height > 0) {
    // Measured on a page already brought to a workable width, then mapped
    // back to the original's pixels.
    pix_ptr probe{factor == 1.0f ? pixClone(gray.get())
                                 : pixScaleGeneral(gray.get(), factor, factor, 0.0f, 0)};
    if (int h = probe ? median_letter_height(probe.get()) : 0; h > 0) {
      float wanted = factor * static_cast<float>(opts.text_height) / static_cast<float>(h);
      // Bounds: never narrower than half of min_width nor wider than
      // max_width, never more than 3x.
      float lo = static_cast<float>(opts.min_width) / 2.0f / static_cast<float>(w);
      float hi = std::max(lo, static_cast<float>(opts.max_width) / static_cast<float>(w));
      factor = std::min(3.0f, std::clamp(wanted, lo, hi));
    }
  }
  auto scale = [&] {
    if (factor == 1.0f)
      return;
    pix_ptr scaled{factor < 1.0f ? pixScaleAreaMap(gray.get(), factor, factor)
                                 : pixScaleGrayLI(gray.get(), factor, factor)};
    if (scaled)
      gray = std::move(scaled);
  };
  auto denoise = [&] {
    if (!opts.denoise || speck_ratio(gray.get()) < opts.noisy_speck_ratio)
      return;
    if (pix_ptr smooth{pixRankFilterGray(gray.get(), 3, 3, 0.5f)}; smooth)
      gray = std::move(smooth);
  };
  // Filter on the smaller of the two sizes: before enlarging (the noise is
  // still pixel-sized), after shrinking (a 12-megapixel photo costs less).
  if (factor > 1.0f) {
    denoise();
    scale();
  } else {
    scale();
    denoise();
  }

  // Shadows and uneven light: divide out a smooth background estimate.
  if (opts.flatten_light)
    if (pix_ptr flat{pixBackgroundNormSimple(gray.get(), nullptr, nullptr)}; flat)
      gray = std::move(flat);

  // Small rotations of a phone photo (a few degrees).
  if (opts.deskew)
    if (pix_ptr straight{pixDeskew(gray.get(), 0)}; straight)
      gray = std::move(straight);

  if (opts.binarize) {
    PIX* bin = nullptr;
    if (pixSauvolaBinarizeTiled(gray.get(), 25, 0.34f, 1, 1, nullptr, &bin) == 0 && bin != nullptr)
      return pix_ptr{bin};
  }
  return gray;
}

}  // namespace khaacho::ocr
