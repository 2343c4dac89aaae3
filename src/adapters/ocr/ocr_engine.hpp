// OCR: image bytes in, text with its line structure out. Implementations:
// Tesseract (embedded default, with Leptonica clean-up) and Google Vision.
// BLOCKING: call from a stage worker (detached actor), never from CAF's
// scheduler; one engine object per worker thread (not thread-safe).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

#include "config/settings.hpp"
#include "model/line_confidence.hpp"

namespace khaacho::ocr {

struct ocr_result {
  std::string text;         ///< lines separated by '\n', in reading order
  double confidence = 0;    ///< mean word confidence, 0..1
  int width = 0;            ///< of the image as read (after orientation)
  int height = 0;
  /// The lines with the engine's confidence in each, when it reports them
  /// (Tesseract does); empty otherwise.
  std::vector<model::ocr_line> lines;
  /// With several readings of the page: for each of `lines`, that line
  /// followed by the other readings of it (model::align_readings). Empty
  /// with one reading.
  std::vector<std::vector<model::ocr_line>> line_readings;
  /// Lines the engine saw crossed out on the paper (Tesseract tells them by
  /// the pen stroke through the words). Not in `text` nor `lines`: never
  /// items.
  std::vector<std::string> struck_lines;
};

class ocr_engine {
public:
  virtual ~ocr_engine() = default;

  /// Errors: errc::bad_input for an image that cannot be decoded (permanent;
  /// the message is fit for the retailer), errc::upstream_unavailable /
  /// errc::timeout (transient), errc::upstream_rejected (permanent).
  /// An empty page is not an error: empty text, confidence 0.
  virtual caf::expected<ocr_result> read(std::string_view image_bytes) = 0;

  virtual std::string name() const = 0;
};

/// The engine `s.backend` names, for one worker. Errors: errc::bad_input.
caf::expected<std::unique_ptr<ocr_engine>> make_ocr_engine(const config::ocr_settings& s);

}  // namespace khaacho::ocr
