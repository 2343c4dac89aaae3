// Google Vision images:annotate (DOCUMENT_TEXT_DETECTION): the request,
// the answer's text and confidences, and the classification of its errors.
#include "adapters/ocr/vision_ocr.hpp"

#include <cmath>

#include <simdjson.h>


namespace khaacho::ocr {

namespace {

using http_client::upstream_failure;

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

/// google.rpc.Code values of a per-image error that a later try may not meet.
bool transient_rpc_code(int64_t code) {
  switch (code) {
    case 4:   // DEADLINE_EXCEEDED
    case 8:   // RESOURCE_EXHAUSTED
    case 10:  // ABORTED
    case 13:  // INTERNAL
    case 14:  // UNAVAILABLE
      return true;
    default:
      return false;
  }
}

/// Adds the number at `el` to the running mean if it is one in [0, 1].
void add_confidence(simdjson::dom::element el, double& sum, int& count) {
  double c = 0;
  if (el["confidence"].get_double().get(c) == simdjson::SUCCESS && std::isfinite(c) && c >= 0
      && c <= 1) {
    sum += c;
    ++count;
  }
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

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::object top;
  if (parser.parse(reply->body.data(), reply->body.size()).get(doc) != simdjson::SUCCESS
      || doc.get_object().get(top) != simdjson::SUCCESS)
    return upstream_failure(errc::upstream_unavailable,
                            what + " failed: the answer is not a JSON object");

  ocr_result out;
  simdjson::dom::array responses;
  simdjson::dom::object first;
  // `{}` or `{"responses":[{}]}`: Vision found no text on the page.
  if (top["responses"].get_array().get(responses) != simdjson::SUCCESS
      || responses.at(0).get_object().get(first) != simdjson::SUCCESS)
    return out;

  simdjson::dom::object error;
  if (first["error"].get_object().get(error) == simdjson::SUCCESS) {
    int64_t code = 0;
    std::string_view message;
    if (error["code"].get_int64().get(code) != simdjson::SUCCESS)
      code = 2;  // UNKNOWN
    if (error["message"].get_string().get(message) != simdjson::SUCCESS)
      message = "no message";
    auto said = http_client::printable(http_client::redact(std::string{message}, secrets_), 200);
    if (code == 3)  // INVALID_ARGUMENT about this image: it is not one Vision can read
      return caf::make_error(errc::bad_input,
                             "the photo could not be read as an image (" + said + ")");
    auto why = what + " failed for the image: code " + std::to_string(code) + " (" + said + ")";
    if (transient_rpc_code(code))
      return upstream_failure(errc::upstream_unavailable, std::move(why));
    return upstream_failure(errc::upstream_rejected, std::move(why));
  }

  simdjson::dom::object annotation;
  if (first["fullTextAnnotation"].get_object().get(annotation) != simdjson::SUCCESS)
    return out;  // an answer without annotation: no text found
  std::string_view text;
  if (annotation["text"].get_string().get(text) != simdjson::SUCCESS)
    text = {};
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r'))
    text.remove_suffix(1);
  out.text = std::string{text};

  double block_sum = 0, page_sum = 0;
  int blocks = 0, pages_with_confidence = 0;
  simdjson::dom::array pages;
  if (annotation["pages"].get_array().get(pages) == simdjson::SUCCESS) {
    bool first_page = true;
    for (auto page : pages) {
      if (first_page) {
        int64_t w = 0, h = 0;
        if (page["width"].get_int64().get(w) == simdjson::SUCCESS && w > 0 && w < (1 << 30))
          out.width = static_cast<int>(w);
        if (page["height"].get_int64().get(h) == simdjson::SUCCESS && h > 0 && h < (1 << 30))
          out.height = static_cast<int>(h);
        first_page = false;
      }
      add_confidence(page, page_sum, pages_with_confidence);
      simdjson::dom::array page_blocks;
      if (page["blocks"].get_array().get(page_blocks) == simdjson::SUCCESS)
        for (auto block : page_blocks)
          add_confidence(block, block_sum, blocks);
    }
  }
  if (out.text.empty())
    out.confidence = 0;
  else if (blocks > 0)
    out.confidence = block_sum / blocks;
  else if (pages_with_confidence > 0)
    out.confidence = page_sum / pages_with_confidence;
  else
    out.confidence = 0.9;  // Vision gave text but no scores: trust it as it usually deserves
  return out;
}

}  // namespace khaacho::ocr
