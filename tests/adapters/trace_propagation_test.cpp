// Outgoing adapter calls carry the W3C traceparent of the order being worked
// on (the thread's trace::scope), with the same trace id and a new span id;
// outside any trace they send none.
#include <catch2/catch.hpp>

#include "adapters/extract/openai_extractor.hpp"
#include "adapters/ocr/vision_ocr.hpp"
#include "common/trace_context.hpp"
#include "support/fake_openai_server.hpp"
#include "support/fake_vision_server.hpp"

using namespace khaacho;

namespace {

const trace::context order_trace{"4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", false};

config::extract_settings openai_settings(const test::fake_openai_server& fake) {
  config::extract_settings s;
  s.backend = "openai";
  s.openai_base_url = fake.base_url() + "/";
  s.openai_model = "gpt-4o-mini";
  s.openai_api_key = "sk-test-trace";
  return s;
}

void check_child_of_order(const std::string& header) {
  CAPTURE(header);
  auto got = trace::parse_traceparent(header);
  REQUIRE(got);
  CHECK(got->trace_id == order_trace.trace_id);
  CHECK(got->span_id != order_trace.span_id);  // the call is a span of its own
}

}  // namespace

TEST_CASE("the OpenAI extractor sends the order's traceparent", "[adapters][trace]") {
  test::fake_openai_server fake;
  fake.script(test::openai_reply::content(R"({"items":[]})"));
  fake.script(test::openai_reply::content(R"({"items":[]})"));
  extract::openai_extractor extractor{openai_settings(fake)};
  {
    trace::scope in_trace{order_trace};
    REQUIRE(extractor.extract("chini 10 kg"));
  }
  REQUIRE(extractor.extract("chini 10 kg"));  // outside any trace
  auto reqs = fake.requests();
  REQUIRE(reqs.size() == 2);
  check_child_of_order(reqs[0].traceparent);
  CHECK(reqs[1].traceparent.empty());
}

TEST_CASE("the Vision OCR engine sends the order's traceparent", "[adapters][trace]") {
  test::fake_vision_server fake;
  fake.script(test::vision_reply::text("chini 10 kg", {0.9}));
  config::ocr_settings s;
  s.backend = "vision";
  s.vision_endpoint = fake.endpoint() + "/";
  s.vision_api_key = "AIzaTest-trace";
  ocr::vision_ocr engine{s};
  std::string jpeg("\xff\xd8\xff\xe0\0\x10JFIF\0", 11);
  jpeg += std::string(300, 'x');
  {
    trace::scope in_trace{order_trace};
    REQUIRE(engine.read(jpeg));
  }
  auto reqs = fake.requests();
  REQUIRE(reqs.size() == 1);
  check_child_of_order(reqs[0].traceparent);
}
