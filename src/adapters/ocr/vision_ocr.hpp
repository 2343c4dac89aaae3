// Google Cloud Vision OCR: images:annotate with DOCUMENT_TEXT_DETECTION over
// libcurl, for handwriting and photos Tesseract reads poorly.
#pragma once

#include <string>
#include <vector>

#include "adapters/http/curl_json_client.hpp"
#include "adapters/ocr/ocr_engine.hpp"

namespace khaacho::ocr {

/// Reads pages through `POST {vision_endpoint}/v1/images:annotate?key=KEY`
/// (the key is omitted when empty), with language hints ne and en. BLOCKING:
/// one call per read(), at most `timeouts.total` long; one object per worker
/// thread. The key never appears in an error message.
class vision_ocr final : public ocr_engine {
public:
  /// Takes `s.vision_endpoint` (tests point it at a loopback fake) and
  /// `s.vision_api_key`. Does no I/O.
  explicit vision_ocr(const config::ocr_settings& s, http_client::http_timeouts timeouts = {});

  // ocr_engine

  /// `responses[0].fullTextAnnotation.text`, trailing newlines dropped;
  /// confidence is the mean of the block confidences (else of the pages',
  /// else 0.9 when there is text); width and height of the first page.
  /// Errors: errc::bad_input (empty image, or Vision's per-image
  /// INVALID_ARGUMENT: the photo is not a readable image);
  /// errc::upstream_unavailable (transport failure, timeout, 408, 429, 5xx,
  /// per-image UNAVAILABLE / RESOURCE_EXHAUSTED / INTERNAL /
  /// DEADLINE_EXCEEDED, an answer that is not JSON), with Retry-After when
  /// Vision sent one; errc::upstream_rejected (400, 401, 403, other 4xx,
  /// other per-image errors).
  caf::expected<ocr_result> read(std::string_view image_bytes) override;

  std::string name() const override { return "vision"; }

private:
  std::string url_;  ///< with the key; never logged or put in a message
  std::string api_key_;
  std::vector<std::string> secrets_;
  http_client::curl_json_client client_;
};

/// Standard base64 with padding (RFC 4648, 4), as Vision's `image.content` wants.
std::string base64_encode(std::string_view bytes);

}  // namespace khaacho::ocr
