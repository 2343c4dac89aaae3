// The OpenAI-compatible extractor against a loopback fake of chat
// completions: the request (model, temperature, strict schema, key), answers
// that fit, the one repair round, and the classification of failures.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <simdjson.h>

#include "actors/stage_protocol.hpp"
#include "adapters/extract/openai_extractor.hpp"
#include "support/error_checks.hpp"
#include "support/fake_openai_server.hpp"

using namespace khaacho;
using namespace khaacho::extract;
using namespace std::chrono_literals;

namespace {

const std::string api_key = "sk-test-0123456789abcdefSECRET";
const std::string page = "Ram Kirana Pasal\nchini 10 kg\nचिनी १० केजी\nWai Wai 2 carton\nsabun 3";
const std::string good = R"({"items":[)"
                         R"({"name":"chini","quantity":10,"unit":"kg","line":"chini 10 kg"},)"
                         R"({"name":"चिनी","quantity":10,"unit":"kg","line":"चिनी १० केजी"},)"
                         R"({"name":"Wai Wai","quantity":2.5,"unit":"carton","line":"Wai Wai 2 carton"},)"
                         R"({"name":"sabun","quantity":3,"unit":"","line":"sabun 3"}]})";

config::extract_settings settings_for(const test::fake_openai_server& fake) {
  config::extract_settings s;
  s.backend = "openai";
  s.openai_base_url = fake.base_url() + "/";
  s.openai_model = "gpt-4o-mini";
  s.openai_api_key = api_key;
  return s;
}

http_client::http_timeouts quick() {
  return {1000ms, 400ms};
}

void check_secret_free(const caf::error& err) {
  auto text = describe(err);
  CAPTURE(text);
  CHECK(text.find(api_key) == std::string::npos);
}

/// The messages of a recorded request as (role, content) pairs.
std::vector<std::pair<std::string, std::string>> messages_of(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::vector<std::pair<std::string, std::string>> out;
  REQUIRE(parser.parse(body).get(doc) == simdjson::SUCCESS);
  simdjson::dom::array messages;
  REQUIRE(doc["messages"].get_array().get(messages) == simdjson::SUCCESS);
  for (auto m : messages) {
    std::string_view role, content;
    REQUIRE(m["role"].get_string().get(role) == simdjson::SUCCESS);
    REQUIRE(m["content"].get_string().get(content) == simdjson::SUCCESS);
    out.emplace_back(std::string{role}, std::string{content});
  }
  return out;
}

}  // namespace

TEST_CASE("openai extractor sends the model, temperature 0, the strict schema and the key",
          "[adapters]") {
  test::fake_openai_server fake;
  fake.script(test::openai_reply::content(good));
  openai_extractor extractor{settings_for(fake)};
  CHECK(extractor.name() == "openai");

  auto got = extractor.extract(page);
  REQUIRE(got);
  REQUIRE(got->size() == 4);
  CHECK((*got)[0].name == "chini");
  CHECK((*got)[0].quantity == 10);
  CHECK((*got)[0].unit == "kg");
  CHECK((*got)[0].line == "chini 10 kg");
  CHECK_FALSE((*got)[0].unsure);
  CHECK((*got)[1].name == "चिनी");
  CHECK((*got)[1].line == "चिनी १० केजी");
  CHECK((*got)[2].quantity == 2.5);
  CHECK((*got)[2].unit == "carton");
  CHECK((*got)[3].unit == "");
  CHECK((*got)[3].unsure);  // no unit: a person should look

  auto reqs = fake.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].method == "POST");
  CHECK(reqs[0].path == "/v1/chat/completions");
  CHECK(reqs[0].authorization == "Bearer " + api_key);
  CHECK(reqs[0].content_type == "application/json");

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(reqs[0].body).get(doc) == simdjson::SUCCESS);
  std::string_view model, format_type, schema_name;
  double temperature = -1;
  bool strict = false;
  REQUIRE(doc["model"].get_string().get(model) == simdjson::SUCCESS);
  CHECK(model == "gpt-4o-mini");
  REQUIRE(doc["temperature"].get_double().get(temperature) == simdjson::SUCCESS);
  CHECK(temperature == 0);
  auto format = doc["response_format"];
  REQUIRE(format["type"].get_string().get(format_type) == simdjson::SUCCESS);
  CHECK(format_type == "json_schema");
  REQUIRE(format["json_schema"]["name"].get_string().get(schema_name) == simdjson::SUCCESS);
  CHECK(schema_name == "order_items");
  REQUIRE(format["json_schema"]["strict"].get_bool().get(strict) == simdjson::SUCCESS);
  CHECK(strict);

  auto schema = format["json_schema"]["schema"];
  bool extra = true;
  REQUIRE(schema["additionalProperties"].get_bool().get(extra) == simdjson::SUCCESS);
  CHECK_FALSE(extra);
  auto item = schema["properties"]["items"]["items"];
  REQUIRE(item["additionalProperties"].get_bool().get(extra) == simdjson::SUCCESS);
  CHECK_FALSE(extra);
  simdjson::dom::array required, units;
  REQUIRE(item["required"].get_array().get(required) == simdjson::SUCCESS);
  CHECK(required.size() == 4);
  REQUIRE(item["properties"]["unit"]["enum"].get_array().get(units) == simdjson::SUCCESS);
  std::vector<std::string> unit_names;
  for (auto u : units)
    unit_names.emplace_back(std::string_view(u.get_string().value()));
  CHECK(unit_names.size() == 16);
  CHECK(std::count(unit_names.begin(), unit_names.end(), "") == 1);
  CHECK(std::count(unit_names.begin(), unit_names.end(), "kg") == 1);
  CHECK(std::count(unit_names.begin(), unit_names.end(), "tray") == 1);
  std::string_view quantity_type;
  REQUIRE(item["properties"]["quantity"]["type"].get_string().get(quantity_type)
          == simdjson::SUCCESS);
  CHECK(quantity_type == "number");

  auto messages = messages_of(reqs[0].body);
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].first == "system");
  CHECK(messages[0].second == extraction_prompt());
  CHECK(messages[1].first == "user");
  CHECK_THAT(messages[1].second, Catch::Contains(page));
}

TEST_CASE("openai extractor gives no items for a blank page without a call", "[adapters]") {
  test::fake_openai_server fake;
  openai_extractor extractor{settings_for(fake)};
  auto got = extractor.extract(" \n\t\n");
  REQUIRE(got);
  CHECK(got->empty());
  CHECK(fake.requests().empty());
}

TEST_CASE("openai extractor repairs a malformed answer once", "[adapters]") {
  test::fake_openai_server fake;
  const std::string malformed = R"({"items":[{"name":"chini","quantity":10,"unit":"kg")";
  fake.script(test::openai_reply::content(malformed));
  fake.script(test::openai_reply::content(good));
  openai_extractor extractor{settings_for(fake)};

  auto got = extractor.extract(page);
  REQUIRE(got);
  CHECK(got->size() == 4);

  auto reqs = fake.requests();
  REQUIRE(reqs.size() == 2);
  auto messages = messages_of(reqs[1].body);
  REQUIRE(messages.size() == 4);
  CHECK(messages[0].first == "system");
  CHECK(messages[1].first == "user");
  CHECK(messages[2].first == "assistant");
  CHECK(messages[2].second == malformed);
  CHECK(messages[3].first == "user");
  CHECK_THAT(messages[3].second, Catch::Contains("not valid JSON"));
  CHECK(reqs[1].authorization == "Bearer " + api_key);
}

TEST_CASE("openai extractor gives up when the repaired answer is still malformed", "[adapters]") {
  test::fake_openai_server fake;
  fake.script(test::openai_reply::content("Here are your items: chini 10 kg"));
  fake.script(test::openai_reply::content("```json\n{\"items\": [}\n```"));
  openai_extractor extractor{settings_for(fake)};

  auto got = extractor.extract(page);
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::bad_input));
  CHECK_FALSE(is_transient(got.error()));
  CHECK_THAT(describe(got.error()),
             Catch::Contains("the extractor's answer did not fit the schema"));
  CHECK(fake.requests().size() == 2);  // asked once more, not again
  check_secret_free(got.error());
}

TEST_CASE("openai extractor checks answers against the schema itself", "[adapters]") {
  auto [content, complaint] = GENERATE(table<std::string, std::string>({
    {R"([])", "must be a JSON object"},
    {R"({})", "\"items\" is missing"},
    {R"({"items":{}})", "\"items\" must be an array"},
    {R"({"items":[],"total":3})", "unexpected field \"total\""},
    {R"({"items":["chini"]})", "items[0] must be an object"},
    {R"({"items":[{"name":"chini","quantity":10,"unit":"kg"}]})", "required field \"line\""},
    {R"({"items":[{"name":"chini","unit":"kg","line":"chini"}]})", "required field \"quantity\""},
    {R"({"items":[{"name":"chini","quantity":"10","unit":"kg","line":"x"}]})",
     "items[0].quantity must be a number"},
    {R"({"items":[{"name":"chini","quantity":-2,"unit":"kg","line":"x"}]})",
     "items[0].quantity must be a positive number"},
    {R"({"items":[{"name":"chini","quantity":0,"unit":"kg","line":"x"}]})",
     "items[0].quantity must be a positive number"},
    {R"({"items":[{"name":"a","quantity":1,"unit":"kg","line":"a"},)"
     R"({"name":"b","quantity":1,"unit":"kilo","line":"b"}]})",
     "items[1].unit \"kilo\" is not one of the allowed units"},
    {R"({"items":[{"name":7,"quantity":1,"unit":"kg","line":"a"}]})",
     "items[0].name must be a string"},
    {R"({"items":[{"name":"a","quantity":1,"unit":"kg","line":"a","price":5}]})",
     "unexpected field \"price\" in items[0]"},
  }));
  CAPTURE(content);
  test::fake_openai_server fake;
  fake.script(test::openai_reply::content(content));
  fake.script(test::openai_reply::content(content));
  openai_extractor extractor{settings_for(fake)};

  auto got = extractor.extract(page);
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::bad_input));
  CHECK_THAT(describe(got.error()), Catch::Contains(complaint));
  auto reqs = fake.requests();
  REQUIRE(reqs.size() == 2);
  auto messages = messages_of(reqs[1].body);
  REQUIRE(messages.size() == 4);
  CHECK(messages[2].second == content);
  CHECK_THAT(messages[3].second, Catch::Contains(complaint));
}

TEST_CASE("openai extractor asks again after a truncated answer", "[adapters]") {
  test::fake_openai_server fake;
  fake.script(test::openai_reply::content(R"({"items":[{"name":"chini","quan)", "length"));
  fake.script(test::openai_reply::content(good));
  openai_extractor extractor{settings_for(fake)};

  auto got = extractor.extract(page);
  REQUIRE(got);
  CHECK(got->size() == 4);
  auto reqs = fake.requests();
  REQUIRE(reqs.size() == 2);
  auto messages = messages_of(reqs[1].body);
  REQUIRE(messages.size() == 4);
  CHECK_THAT(messages[3].second, Catch::Contains("cut off"));
}

TEST_CASE("openai extractor does not accept a truncated answer even if it parses", "[adapters]") {
  test::fake_openai_server fake;
  // Valid JSON, but the model stopped at the limit: items may be missing.
  fake.script(test::openai_reply::content(good, "length"));
  fake.script(test::openai_reply::content(good, "length"));
  openai_extractor extractor{settings_for(fake)};

  auto got = extractor.extract(page);
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::bad_input));
  CHECK_THAT(describe(got.error()), Catch::Contains("cut off"));
}

TEST_CASE("openai extractor treats a refusal as a misfit", "[adapters]") {
  test::fake_openai_server fake;
  fake.script(test::openai_reply::refusal("I'm sorry, I cannot help with that."));
  fake.script(test::openai_reply::refusal("I'm sorry, I cannot help with that."));
  openai_extractor extractor{settings_for(fake)};

  auto got = extractor.extract(page);
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::bad_input));
  CHECK_THAT(describe(got.error()), Catch::Contains("refused"));
  auto reqs = fake.requests();
  REQUIRE(reqs.size() == 2);
  auto messages = messages_of(reqs[1].body);
  REQUIRE(messages.size() == 4);
  CHECK(messages[2].first == "assistant");
  CHECK(messages[2].second == "I'm sorry, I cannot help with that.");
}

TEST_CASE("openai extractor passes on 429 as transient with its Retry-After", "[adapters]") {
  test::fake_openai_server fake;
  fake.script(test::openai_reply::http_error(429, "Rate limit reached for gpt-4o-mini", "3"));
  auto with_ms = test::openai_reply::http_error(429, "Rate limit reached", "2");
  with_ms.headers["retry-after-ms"] = "1500";
  fake.script(with_ms);
  openai_extractor extractor{settings_for(fake)};

  auto got = extractor.extract(page);
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
  CHECK(is_transient(got.error()));
  auto wait = retry_after_of(got.error());
  REQUIRE(wait);
  CHECK(*wait == 3000ms);
  CHECK(fake.requests().size() == 1);  // no repair round for HTTP failures
  check_secret_free(got.error());

  auto again = extractor.extract(page);
  REQUIRE_FALSE(again);
  auto precise = retry_after_of(again.error());
  REQUIRE(precise);
  CHECK(*precise == 1500ms);  // retry-after-ms is the finer of the two
}

TEST_CASE("openai extractor passes on 500 as transient", "[adapters]") {
  test::fake_openai_server fake;
  fake.script(test::openai_reply::http_error(500, "The server had an error"));
  openai_extractor extractor{settings_for(fake)};

  auto got = extractor.extract(page);
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
  CHECK(is_transient(got.error()));
  CHECK_FALSE(retry_after_of(got.error()));
}

TEST_CASE("openai extractor reports 400, 401, 403 and 404 as rejected, without the key",
          "[adapters]") {
  test::fake_openai_server fake;
  for (int status : {400, 401, 403, 404})
    fake.script(test::openai_reply::http_error(status, "Incorrect API key provided: " + api_key));
  openai_extractor extractor{settings_for(fake)};

  for (int status : {400, 401, 403, 404}) {
    CAPTURE(status);
    auto got = extractor.extract(page);
    REQUIRE_FALSE(got);
    CHECK(test::has_code(got.error(), errc::upstream_rejected));
    CHECK_FALSE(is_transient(got.error()));
    CHECK_THAT(describe(got.error()), Catch::Contains("HTTP " + std::to_string(status)));
    check_secret_free(got.error());
  }
  CHECK(fake.requests().size() == 4);
}

TEST_CASE("openai extractor gives up on a slow answer at its deadline", "[adapters]") {
  test::fake_openai_server fake;
  auto slow = test::openai_reply::content(good);
  slow.delay = 3000ms;
  fake.script(slow);
  openai_extractor extractor{settings_for(fake), quick()};

  auto start = std::chrono::steady_clock::now();
  auto got = extractor.extract(page);
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
  CHECK(is_transient(got.error()));
  CHECK(took < 2500ms);
  check_secret_free(got.error());
}

TEST_CASE("openai extractor reports an answer that is not a chat completion as transient",
          "[adapters]") {
  test::fake_openai_server fake;
  test::openai_reply garbage;
  garbage.body = "<html>502 Bad Gateway</html>";
  fake.script(garbage);
  openai_extractor extractor{settings_for(fake)};

  auto got = extractor.extract(page);
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
  CHECK(fake.requests().size() == 1);
}

TEST_CASE("openai extractor reports a refused connection as transient", "[adapters]") {
  std::string base;
  {
    test::fake_openai_server gone;
    base = gone.base_url();
  }
  config::extract_settings s;
  s.openai_base_url = base;
  s.openai_api_key = api_key;
  openai_extractor extractor{s, quick()};

  auto got = extractor.extract(page);
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
  check_secret_free(got.error());
}
