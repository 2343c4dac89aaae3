// The answer of Google Vision images:annotate: its text, confidences and page
// size, and the classification of a per-image error. No I/O.
#include "adapters/ocr/vision_answer.hpp"

#include <cmath>

#include <simdjson.h>

#include "adapters/http/curl_json_client.hpp"

namespace khaacho::ocr {

namespace {

using http_client::upstream_failure;

const std::string what = "Google Vision OCR request";

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

caf::expected<ocr_result> parse_vision_answer(std::string_view body,
                                              const std::vector<std::string>& secrets) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::object top;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS
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
    auto said = http_client::printable(http_client::redact(std::string{message}, secrets), 200);
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
