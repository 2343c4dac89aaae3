// Google Vision OCR against a loopback fake of images:annotate: the request
// on the wire, the answer's text and confidence, and the classification of
// per-image errors, HTTP failures, timeouts and transport failures.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include <simdjson.h>

#include "actors/stage_protocol.hpp"
#include "adapters/http/curl_json_client.hpp"
#include "adapters/ocr/vision_ocr.hpp"
#include "support/error_checks.hpp"
#include "support/fake_vision_server.hpp"

using namespace khaacho;
using namespace khaacho::ocr;
using namespace std::chrono_literals;

namespace {

const std::string api_key = "AIzaTest-Key_0123456789secret";

config::ocr_settings settings_for(const test::fake_vision_server& fake) {
  config::ocr_settings s;
  s.backend = "vision";
  s.vision_endpoint = fake.endpoint() + "/";
  s.vision_api_key = api_key;
  return s;
}

/// Short deadlines so a slow fake costs the test little.
http_client::http_timeouts quick() {
  return {1000ms, 400ms};
}

std::string jpeg_bytes() {
  std::string out("\xff\xd8\xff\xe0\0\x10JFIF\0", 11);
  for (int i = 0; i < 300; ++i)
    out += static_cast<char>(i * 7);
  return out;
}

void check_secret_free(const caf::error& err) {
  auto text = describe(err);
  CAPTURE(text);
  CHECK(text.find(api_key) == std::string::npos);
  CHECK(text.find("key=") == std::string::npos);
}

}  // namespace

TEST_CASE("vision ocr sends a DOCUMENT_TEXT_DETECTION request and reads the text", "[adapters]") {
  test::fake_vision_server fake;
  fake.script(test::vision_reply::text("chini 10 kg\nचिनी १० केजी\nWai Wai 2 carton",
                                       {0.8, 0.9, 1.0}));
  vision_ocr engine{settings_for(fake)};
  CHECK(engine.name() == "vision");
  const auto image = jpeg_bytes();

  auto got = engine.read(image);
  REQUIRE(got);
  CHECK(got->text == "chini 10 kg\nचिनी १० केजी\nWai Wai 2 carton");  // trailing '\n' dropped
  CHECK(got->confidence == Approx(0.9));
  CHECK(got->width == 640);
  CHECK(got->height == 480);

  auto reqs = fake.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].method == "POST");
  CHECK(reqs[0].path == "/v1/images:annotate");
  CHECK(reqs[0].key == api_key);
  CHECK(reqs[0].content_type == "application/json");

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(reqs[0].body).get(doc) == simdjson::SUCCESS);
  auto request = doc["requests"].at(0);
  std::string_view content, feature, hint0, hint1;
  REQUIRE(request["image"]["content"].get_string().get(content) == simdjson::SUCCESS);
  CHECK(content == base64_encode(image));
  REQUIRE(request["features"].at(0)["type"].get_string().get(feature) == simdjson::SUCCESS);
  CHECK(feature == "DOCUMENT_TEXT_DETECTION");
  REQUIRE(request["imageContext"]["languageHints"].at(0).get_string().get(hint0)
          == simdjson::SUCCESS);
  REQUIRE(request["imageContext"]["languageHints"].at(1).get_string().get(hint1)
          == simdjson::SUCCESS);
  CHECK(hint0 == "ne");
  CHECK(hint1 == "en");
}

TEST_CASE("vision ocr falls back to page confidence, then to 0.9", "[adapters]") {
  test::fake_vision_server fake;
  fake.script(test::vision_reply::text("dal 5 kg", {}));  // no blocks: the page's 0.5
  test::vision_reply bare;
  bare.body = R"({"responses":[{"fullTextAnnotation":{"text":"tel 2 l\n"}}]})";
  fake.script(bare);
  vision_ocr engine{settings_for(fake)};

  auto page_only = engine.read(jpeg_bytes());
  REQUIRE(page_only);
  CHECK(page_only->confidence == Approx(0.5));
  auto no_scores = engine.read(jpeg_bytes());
  REQUIRE(no_scores);
  CHECK(no_scores->text == "tel 2 l");
  CHECK(no_scores->confidence == Approx(0.9));
}

TEST_CASE("vision ocr reads an empty response as an empty page", "[adapters]") {
  test::fake_vision_server fake;
  fake.script(test::vision_reply::empty());
  test::vision_reply bare;
  bare.body = "{}";
  fake.script(bare);
  vision_ocr engine{settings_for(fake)};

  for (int i = 0; i < 2; ++i) {
    auto got = engine.read(jpeg_bytes());
    REQUIRE(got);
    CHECK(got->text.empty());
    CHECK(got->confidence == 0);
  }
}

TEST_CASE("vision ocr refuses an empty image without a call", "[adapters]") {
  test::fake_vision_server fake;
  vision_ocr engine{settings_for(fake)};
  auto got = engine.read("");
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::bad_input));
  CHECK(fake.requests().empty());
}

TEST_CASE("vision ocr classifies per-image errors", "[adapters]") {
  test::fake_vision_server fake;
  fake.script(test::vision_reply::image_error(3, "Bad image data."));
  fake.script(test::vision_reply::image_error(7, "Permission denied for " + api_key));
  fake.script(test::vision_reply::image_error(14, "Service unavailable."));
  vision_ocr engine{settings_for(fake)};

  auto invalid = engine.read(jpeg_bytes());
  REQUIRE_FALSE(invalid);
  CHECK(test::has_code(invalid.error(), errc::bad_input));
  CHECK_FALSE(is_transient(invalid.error()));
  CHECK_THAT(describe(invalid.error()), Catch::Contains("Bad image data."));

  auto denied = engine.read(jpeg_bytes());
  REQUIRE_FALSE(denied);
  CHECK(test::has_code(denied.error(), errc::upstream_rejected));
  CHECK_FALSE(is_transient(denied.error()));
  check_secret_free(denied.error());

  auto unavailable = engine.read(jpeg_bytes());
  REQUIRE_FALSE(unavailable);
  CHECK(test::has_code(unavailable.error(), errc::upstream_unavailable));
  CHECK(is_transient(unavailable.error()));
}

TEST_CASE("vision ocr passes on 429 as transient with its Retry-After", "[adapters]") {
  test::fake_vision_server fake;
  fake.script(test::vision_reply::http_error(429, "Quota exceeded", "7"));
  vision_ocr engine{settings_for(fake)};

  auto got = engine.read(jpeg_bytes());
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
  CHECK(is_transient(got.error()));
  auto wait = retry_after_of(got.error());
  REQUIRE(wait);
  CHECK(*wait == 7000ms);
  CHECK_THAT(describe(got.error()), Catch::Contains("HTTP 429"));
  check_secret_free(got.error());
}

TEST_CASE("vision ocr passes on 503 as transient without a Retry-After", "[adapters]") {
  test::fake_vision_server fake;
  fake.script(test::vision_reply::http_error(503, "The service is currently unavailable."));
  vision_ocr engine{settings_for(fake)};

  auto got = engine.read(jpeg_bytes());
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
  CHECK_FALSE(retry_after_of(got.error()));
  check_secret_free(got.error());
}

TEST_CASE("vision ocr reports 400 and 403 as rejected, without the key", "[adapters]") {
  test::fake_vision_server fake;
  fake.script(test::vision_reply::http_error(400, "API key not valid: " + api_key));
  fake.script(test::vision_reply::http_error(403, "Cloud Vision API has not been used by "
                                                  + api_key));
  vision_ocr engine{settings_for(fake)};

  for (int status : {400, 403}) {
    CAPTURE(status);
    auto got = engine.read(jpeg_bytes());
    REQUIRE_FALSE(got);
    CHECK(test::has_code(got.error(), errc::upstream_rejected));
    CHECK_FALSE(is_transient(got.error()));
    CHECK_THAT(describe(got.error()), Catch::Contains("HTTP " + std::to_string(status)));
    check_secret_free(got.error());
  }
}

TEST_CASE("vision ocr gives up on a slow answer at its deadline", "[adapters]") {
  test::fake_vision_server fake;
  auto slow = test::vision_reply::text("late", {0.9});
  slow.delay = 3000ms;
  fake.script(slow);
  vision_ocr engine{settings_for(fake), quick()};

  auto start = std::chrono::steady_clock::now();
  auto got = engine.read(jpeg_bytes());
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
  CHECK(is_transient(got.error()));
  CHECK(took < 2500ms);
  CHECK_THAT(describe(got.error()), Catch::Contains("timed out"));
  check_secret_free(got.error());
}

TEST_CASE("vision ocr reports a refused connection as transient, without the key", "[adapters]") {
  std::string endpoint;
  {
    test::fake_vision_server gone;
    endpoint = gone.endpoint();
  }  // the port is closed now
  config::ocr_settings s;
  s.vision_endpoint = endpoint;
  s.vision_api_key = api_key;
  vision_ocr engine{s, quick()};

  auto got = engine.read(jpeg_bytes());
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
  check_secret_free(got.error());
}

TEST_CASE("vision ocr reports an answer that is not JSON as transient", "[adapters]") {
  test::fake_vision_server fake;
  test::vision_reply garbage;
  garbage.body = "<html>proxy error</html>";
  fake.script(garbage);
  vision_ocr engine{settings_for(fake)};

  auto got = engine.read(jpeg_bytes());
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
}

TEST_CASE("base64 encoding follows RFC 4648", "[adapters]") {
  auto [in, out] = GENERATE(table<std::string, std::string>({
    {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}, {std::string("\xff\xfe\x00", 3), "//4A"}}));
  CAPTURE(in);
  CHECK(base64_encode(in) == out);
}

TEST_CASE("Retry-After values are read as seconds or an HTTP date", "[adapters]") {
  using http_client::parse_retry_after;
  const int64_t now = 1445412480;  // Wed, 21 Oct 2015 07:28:00 GMT
  CHECK(parse_retry_after("120", now) == std::chrono::milliseconds{120000});
  CHECK(parse_retry_after(" 0 ", now) == std::chrono::milliseconds{0});
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now) == std::chrono::milliseconds{30000});
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now) == std::chrono::milliseconds{0});
  CHECK(parse_retry_after("99999999999999", now) == std::chrono::milliseconds{24 * 3600 * 1000LL});
  CHECK_FALSE(parse_retry_after("soon", now));
  CHECK_FALSE(parse_retry_after("", now));
}
