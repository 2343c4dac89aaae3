// Judging a chat completion answer against the order_items schema: the
// envelope, the first choice, and every field of every item. No I/O.
#include "adapters/extract/chat_answer.hpp"

#include <cmath>

#include <simdjson.h>

#include "adapters/http/curl_json_client.hpp"
#include "common/json_writer.hpp"
#include "model/catalog_records.hpp"

namespace khaacho::extract {

namespace {

using http_client::upstream_failure;

const std::string what = "chat completions request";

std::string quoted(std::string_view s) {
  std::string out;
  append_json_string(out, s.substr(0, 60));
  return s.size() > 60 ? out + "..." : out;
}

std::string field_type(simdjson::dom::element el) {
  switch (el.type()) {
    case simdjson::dom::element_type::ARRAY: return "an array";
    case simdjson::dom::element_type::OBJECT: return "an object";
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE: return "a number";
    case simdjson::dom::element_type::STRING: return "a string";
    case simdjson::dom::element_type::BOOL: return "a boolean";
    case simdjson::dom::element_type::NULL_VALUE: return "null";
  }
  return "something else";
}

bool is_unit(std::string_view u) {
  return u.empty() || model::is_catalog_unit(u);
}

}  // namespace

std::string allowed_units_text() {
  std::string out;
  for (auto u : model::catalog_units()) {
    if (!out.empty())
      out += ", ";
    out += u;
  }
  return out;
}

std::string check_order_items(const std::string& content, std::vector<model::extracted_item>& out) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(content.data(), content.size()).get(doc); err != simdjson::SUCCESS)
    return std::string{"the answer is not valid JSON ("} + simdjson::error_message(err) + ")";
  simdjson::dom::object top;
  if (doc.get_object().get(top) != simdjson::SUCCESS)
    return "the answer must be a JSON object, not " + field_type(doc);
  simdjson::dom::array items;
  bool has_items = false;
  for (auto field : top) {
    if (field.key != "items")
      return "unexpected field " + quoted(field.key) + " at the top level";
    if (field.value.get_array().get(items) != simdjson::SUCCESS)
      return "\"items\" must be an array, not " + field_type(field.value);
    has_items = true;
  }
  if (!has_items)
    return "the required field \"items\" is missing";

  std::vector<model::extracted_item> result;
  size_t index = 0;
  for (auto el : items) {
    auto at = "items[" + std::to_string(index++) + "]";
    simdjson::dom::object obj;
    if (el.get_object().get(obj) != simdjson::SUCCESS)
      return at + " must be an object, not " + field_type(el);
    model::extracted_item item;
    bool seen_name = false, seen_quantity = false, seen_unit = false, seen_line = false;
    for (auto field : obj) {
      std::string_view text;
      if (field.key == "name" || field.key == "unit" || field.key == "line") {
        if (field.value.get_string().get(text) != simdjson::SUCCESS)
          return at + "." + std::string{field.key} + " must be a string, not "
                 + field_type(field.value);
        if (field.key == "name") {
          item.name = std::string{text};
          seen_name = true;
        } else if (field.key == "line") {
          item.line = std::string{text};
          seen_line = true;
        } else {
          if (!is_unit(text))
            return at + ".unit " + quoted(text) + " is not one of the allowed units ("
                   + allowed_units_text() + ", or \"\")";
          item.unit = std::string{text};
          seen_unit = true;
        }
      } else if (field.key == "quantity") {
        double q = 0;
        if (field.value.get_double().get(q) != simdjson::SUCCESS)
          return at + ".quantity must be a number, not " + field_type(field.value);
        if (!std::isfinite(q) || q <= 0)
          return at + ".quantity must be a positive number, not "
                 + simdjson::to_string(field.value);
        item.quantity = q;
        seen_quantity = true;
      } else {
        return "unexpected field " + quoted(field.key) + " in " + at;
      }
    }
    const char* missing = !seen_name ? "name"
                          : !seen_quantity ? "quantity"
                          : !seen_unit ? "unit"
                          : !seen_line ? "line"
                                       : nullptr;
    if (missing != nullptr)
      return at + " lacks the required field \"" + missing + "\"";
    if (item.unit.empty()) {
      item.unsure = true;
      item.unsure_reason = "no unit given";
    }
    result.push_back(std::move(item));
  }
  out = std::move(result);
  return {};
}

caf::expected<chat_answer> judge_chat_answer(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::object choice;
  simdjson::dom::object msg;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS
      || doc["choices"].at(0).get_object().get(choice) != simdjson::SUCCESS
      || choice["message"].get_object().get(msg) != simdjson::SUCCESS)
    return upstream_failure(errc::upstream_unavailable,
                            what + " failed: the answer is not a chat completion");
  chat_answer out;
  std::string_view finish, refusal, content;
  if (choice["finish_reason"].get_string().get(finish) != simdjson::SUCCESS)
    finish = {};  // absent or null: streaming-style servers may leave it out
  bool has_content = msg["content"].get_string().get(content) == simdjson::SUCCESS;
  bool refused = msg["refusal"].get_string().get(refusal) == simdjson::SUCCESS;
  out.said = std::string{has_content ? content : refusal};
  if (refused)
    out.problem = "the model refused (" + quoted(refusal) + ")";
  else if (finish == "length")
    out.problem = "the answer was cut off at the length limit before the JSON ended";
  else if (finish == "content_filter")
    out.problem = "the answer was stopped by the content filter";
  else if (!has_content)
    out.problem = "the answer holds no content";
  else
    out.problem = check_order_items(out.said, out.items);
  return out;
}

}  // namespace khaacho::extract
