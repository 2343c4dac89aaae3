// Google Vision images:annotate (DOCUMENT_TEXT_DETECTION): the request,
// the answer's text and confidences, and the classification of its errors.
#include "adapters/ocr/vision_ocr.hpp"

#include "adapters/ocr/vision_answer.hpp"

namespace khaacho::ocr {

namespace {

const std::string what = "Google Vision OCR request";

/// Percent-encodes everything but RFC 3986 unreserved characters.
std::string percent_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
        || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

std::string request_body(std::string_view image_bytes) {
  std::string body = R"({"requests":[{"image":{"content":")";
  body += base64_encode(image_bytes);  // the base64 alphabet needs no JSON escaping
  body += R"("},"features":[{"type":"DOCUMENT_TEXT_DETECTION"}],)"
          R"("imageContext":{"languageHints":["ne","en"]}}]})";
  return body;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  static constexpr char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint32_t{static_cast<unsigned char>(bytes[i])} << 16)
                 | (uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8)
                 | uint32_t{static_cast<unsigned char>(bytes[i + 2])};
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (auto rest = bytes.size() - i; rest > 0) {
    uint32_t n = uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    if (rest == 2)
      n |= uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += rest == 2 ? alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

vision_ocr::vision_ocr(const config::ocr_settings& s, http_client::http_timeouts timeouts)
  : api_key_(s.vision_api_key), client_(timeouts) {
  auto endpoint = s.vision_endpoint;
  while (!endpoint.empty() && endpoint.back() == '/')
    endpoint.pop_back();
  url_ = endpoint + "/v1/images:annotate";
  if (!api_key_.empty()) {
    url_ += "?key=" + percent_encode(api_key_);
    secrets_ = {api_key_, percent_encode(api_key_)};
  }
}

caf::expected<ocr_result> vision_ocr::read(std::string_view image_bytes) {
  if (image_bytes.empty())
    return caf::make_error(errc::bad_input, "the photo is empty");
  const auto body = request_body(image_bytes);
  // "Expect:" stops curl from waiting for a 100 Continue before a large body.
  const std::vector<std::string> headers{"Content-Type: application/json",
                                         "Accept: application/json", "Expect:"};
  auto reply = client_.post(url_, headers, body, what, secrets_);
  if (!reply)
    return std::move(reply.error());
  if (reply->status < 200 || reply->status >= 300)
    return http_client::classify_status(*reply, what, secrets_);

  return parse_vision_answer(reply->body, secrets_);
}

}  // namespace khaacho::ocr
