// Leptonica clean-up of an order photo before OCR: decode, honour EXIF
// orientation, grayscale, scale to a text size Tesseract reads well,
// flatten uneven lighting, deskew, and (optionally) binarize adaptively.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include <caf/expected.hpp>

struct Pix;

namespace khaacho::ocr {

struct pix_deleter {
  void operator()(Pix* p) const noexcept;
};
using pix_ptr = std::unique_ptr<Pix, pix_deleter>;

struct cleanup_options {
  /// Page widths outside [min_width, max_width] are scaled into it: small
  /// photos have text too small for the recognizer, 12-megapixel ones waste
  /// seconds on pixels that add nothing.
  int min_width = 1400;
  int max_width = 2200;
  /// When > 0, scale so the median height of the page's letters is about
  /// this many pixels (still within [min_width/2, max_width]), instead of
  /// going by page width alone: a photo of a small note and a scan of a
  /// big one can have the same width and very different letters.
  int text_height = 0;
  bool binarize = false;        ///< Sauvola binarization instead of gray
  /// Divide out a smooth background estimate. Off by default: on the dev
  /// set it made degraded photos worse (noise amplified) and even clean
  /// synthetic pages unreadable in places; Tesseract's own thresholding copes.
  bool flatten_light = false;
  bool deskew = true;           ///< straighten small rotations
  /// 3x3 median filter against sensor and JPEG noise. Measured on the dev
  /// set: degraded photos read better (0.27 → 0.39 on the worst six) and
  /// much faster (Tesseract no longer chases noise blobs); clean and photo
  /// images unchanged.
  bool denoise = true;
  /// ... applied only when at least this share of the dark connected
  /// components are specks (a median filter would also thin a clean page's
  /// fine strokes). On the dev set clean pages measure 0–0.011, degraded
  /// photos 0.21–0.75.
  double noisy_speck_ratio = 0.15;
  /// Photos whose header declares more pixels than this are refused before
  /// decoding (a small file can declare gigapixels). Uploads are held to
  /// http.max-image-pixels already; this guards whatever reaches OCR.
  uint64_t max_pixels = 64'000'000;
};

/// Share of dark connected components of at most 4 pixels in a grayscale
/// page: near 0 on clean pages, high on noisy photos.
double speck_ratio(Pix* gray);

/// Median height in pixels of the letter-sized dark components of a
/// grayscale page; 0 when too few were found to tell.
int median_letter_height(Pix* gray);

/// The part [x0, x1) x [y0, y1) of `page`; null when that is empty.
pix_ptr clip(Pix* page, int x0, int y0, int x1, int y1);

/// The photo decoded, turned upright (EXIF orientation) and gray: what
/// every clean-up starts from, so several readings decode it once.
/// Errors: errc::bad_input when the bytes are not a decodable image or
/// declare more than `max_pixels`.
caf::expected<pix_ptr> decode_photo(std::string_view image_bytes,
                                    uint64_t max_pixels = cleanup_options{}.max_pixels);

/// `photo` (from decode_photo, left as it is) cleaned as `opts` says.
pix_ptr clean_page(Pix* photo, const cleanup_options& opts = {});

/// decode_photo, then the clean-up.
/// Errors: errc::bad_input when the bytes are not a decodable image.
caf::expected<pix_ptr> clean_page(std::string_view image_bytes, const cleanup_options& opts = {});

}  // namespace khaacho::ocr
