// The OpenAI-compatible extractor: the prompt, the strict JSON schema, the
// chat completions call, our own check of the answer, and one repair round.
#include "adapters/extract/openai_extractor.hpp"

#include <utility>

#include "adapters/extract/chat_answer.hpp"
#include "common/json_writer.hpp"
#include "common/log.hpp"
#include "model/catalog_records.hpp"

namespace khaacho::extract {

namespace {

using http_client::upstream_failure;

const std::string what = "chat completions request";

/// A page of an order list is a few hundred bytes; more is not an order list.
constexpr size_t max_text_bytes = 32 * 1024;

struct message {
  std::string role;
  std::string content;
};

std::string request_body(const std::string& model_name, const std::vector<message>& messages) {
  std::string body = "{\"model\":";
  append_json_string(body, model_name);
  body += ",\"temperature\":0,\"messages\":[";
  for (size_t i = 0; i < messages.size(); ++i) {
    if (i > 0)
      body += ',';
    body += json_object{}.add("role", messages[i].role).add("content", messages[i].content).str();
  }
  body += "],\"response_format\":{\"type\":\"json_schema\",\"json_schema\":"
          "{\"name\":\"order_items\",\"strict\":true,\"schema\":";
  body += order_items_schema();
  body += "}}}";
  return body;
}

std::string repair_request(const std::string& problem) {
  return "Your answer does not fit the required JSON schema: " + problem
         + ". Answer again with only one JSON object that fits the schema, listing every item.";
}

}  // namespace

const std::string& extraction_prompt() {
  static const std::string prompt =
    "You extract the ordered items from the OCR text of a photographed order list written by a "
    "shopkeeper in Nepal. Lines are in English, in romanized Nepali (\"chini 10 kg\", \"dal 5 "
    "kilo\") or in Devanagari (\"चिनी १० केजी\"), often mixed; OCR may have garbled a few "
    "characters.\n"
    "Return every ordered item in the order written, one per item line:\n"
    "- name: the product as written, without its quantity and unit; keep its script and "
    "spelling, do not translate.\n"
    "- quantity: a positive number. Write Devanagari digits (०१२३४५६७८९) as ordinary digits and "
    "fractions as decimals (1/2 is 0.5, 1½ is 1.5, \"aadha\" or \"आधा\" is 0.5, \"dedh\" or "
    "\"डेढ\" is 1.5, \"adhai\" or \"अढाई\" is 2.5). If no quantity is written, use 1.\n"
    "- unit: exactly one of " + allowed_units_text() + ". Map what is written to it: kilo, kgs, केजी, "
    "किलो to kg; gram, gm, ग्राम to g; litre, ltr, लिटर to l; pc, piece, nos, wota, वटा, गोटा "
    "to pcs; pkt, packet, पोका, प्याकेट to packet; ctn to carton; doz, darjan, दर्जन to dozen; "
    "bora, बोरा to bag. Use \"\" when no unit is written or it is none of these; never guess.\n"
    "- line: the source line exactly as it appears in the text.\n"
    "Leave out every line that is not an ordered item: the shop name, addresses, dates, phone "
    "numbers, prices, totals, signatures, greetings and notes (\"namaste\", \"dhanyabad\", "
    "\"please send soon\"). If nothing is an item, return {\"items\": []}.";
  return prompt;
}

std::string order_items_schema() {
  std::string units = "[";
  for (auto u : model::catalog_units()) {
    append_json_string(units, u);
    units += ',';
  }
  units += "\"\"]";
  return R"({"type":"object","properties":{"items":{"type":"array","items":{"type":"object",)"
         R"("properties":{"name":{"type":"string","description":"the product as written"},)"
         R"("quantity":{"type":"number","description":"positive; decimals for fractions"},)"
         R"("unit":{"type":"string","enum":)"
         + units
         + R"(,"description":"canonical unit, or empty when none is written"},)"
           R"("line":{"type":"string","description":"the source line as written"}},)"
           R"("required":["name","quantity","unit","line"],"additionalProperties":false}}},)"
           R"("required":["items"],"additionalProperties":false})";
}

openai_extractor::openai_extractor(const config::extract_settings& s,
                                   http_client::http_timeouts timeouts)
  : model_(s.openai_model), api_key_(s.openai_api_key), client_(timeouts) {
  auto base = s.openai_base_url;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  url_ = base + "/chat/completions";
  if (!api_key_.empty())
    secrets_ = {api_key_};
}

caf::expected<std::vector<model::extracted_item>>
openai_extractor::extract(const std::string& ocr_text) {
  if (ocr_text.find_first_not_of(" \t\r\n") == std::string::npos)
    return std::vector<model::extracted_item>{};
  if (ocr_text.size() > max_text_bytes)
    return caf::make_error(errc::bad_input, "the page holds more text than an order list ("
                                              + std::to_string(ocr_text.size()) + " bytes)");
  std::vector<std::string> headers{"Content-Type: application/json", "Accept: application/json",
                                   "Expect:"};
  if (!api_key_.empty()) {
    if (!http_client::header_safe(api_key_))
      return caf::make_error(errc::bad_input, "key 'extract.openai-api-key' holds characters "
                                              "not allowed in a header");
    headers.push_back("Authorization: Bearer " + api_key_);
  }

  std::vector<message> messages{{"system", extraction_prompt()},
                                {"user", "OCR text of the order list:\n\n" + ocr_text}};
  std::string first_problem;
  for (int round = 1; round <= 2; ++round) {
    auto reply = client_.post(url_, headers, request_body(model_, messages), what, secrets_);
    if (!reply)
      return std::move(reply.error());
    if (reply->status < 200 || reply->status >= 300)
      return http_client::classify_status(*reply, what, secrets_);
    auto answer = judge_chat_answer(reply->body);
    if (!answer)
      return std::move(answer.error());
    if (answer->problem.empty())
      return std::move(answer->items);
    if (round == 1) {
      log::warn("extractor answer did not fit the schema; asking once more",
                {{"problem", http_client::printable(answer->problem, 300)}});
      first_problem = answer->problem;
      messages.push_back({"assistant", std::move(answer->said)});
      messages.push_back({"user", repair_request(answer->problem)});
      continue;
    }
    return caf::make_error(errc::bad_input,
                           "the extractor's answer did not fit the schema: "
                             + http_client::printable(
                               http_client::redact(answer->problem, secrets_), 300)
                             + " (first answer: "
                             + http_client::printable(
                               http_client::redact(first_problem, secrets_), 200)
                             + ")");
  }
  return caf::make_error(errc::internal, "unreachable: the repair loop ended");
}

}  // namespace khaacho::extract
