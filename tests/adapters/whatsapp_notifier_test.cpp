// The WhatsApp Cloud API notifier against a loopback fake of the messages
// endpoint: the request Meta documents, the receipt, and the classification
// of every failure (permanent, try later, outcome unknown).
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include <simdjson.h>

#include "actors/stage_protocol.hpp"
#include "adapters/notify/log_notifier.hpp"
#include "adapters/notify/whatsapp_notifier.hpp"
#include "support/error_checks.hpp"
#include "support/fake_whatsapp_server.hpp"
#include "support/loopback_listener.hpp"

using namespace khaacho;
using namespace khaacho::notify;
using namespace std::chrono_literals;

namespace {

const std::string token = "EAAGm0PX4ZCpsBAtestTOKENsecret0123456789";
const std::string phone_id = "106540352242922";

config::notify_settings settings_for(const std::string& base_url) {
  config::notify_settings s;
  s.whatsapp_enabled = true;
  s.whatsapp_api_base = base_url;
  s.whatsapp_token = token;
  s.whatsapp_phone_number_id = phone_id;
  s.whatsapp_template = "rfq_request";
  s.whatsapp_language = "en";
  s.send_timeout = 500ms;
  return s;
}

outgoing_message message() {
  outgoing_message m;
  m.channel = "whatsapp";
  m.recipient = "+977 98-4123 1953";
  m.idempotency_key = "3f2c5b0e-7a1d-4c2e-9b8f-0123456789ab";
  m.subject = "Request for quote 1a2b3c4d: 2 items";
  m.text = "Namaste,\n...";
  m.template_params = {"Shree Ganesh Traders", "1a2b3c4d", "2", "Chini 10 kg, चिनी 1.5 kg"};
  return m;
}

void check_secret_free(const caf::error& err) {
  auto text = describe(err);
  CAPTURE(text);
  CHECK(text.find(token) == std::string::npos);
  CHECK(text.find("TOKENsecret") == std::string::npos);
}

}  // namespace

TEST_CASE("whatsapp notifier sends the approved template to the number's digits",
          "[notify][adapters]") {
  test::fake_whatsapp_server fake;
  fake.script(test::whatsapp_reply::sent("wamid.HBgLOTc3OTg0MTIzMTk1MxUCABEYEjQ1"));
  whatsapp_notifier n{settings_for(fake.base_url() + "/")};
  CHECK(n.channel() == "whatsapp");

  auto got = n.send(message());
  REQUIRE(got);
  CHECK(got->provider_message_id == "wamid.HBgLOTc3OTg0MTIzMTk1MxUCABEYEjQ1");

  auto reqs = fake.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].method == "POST");
  CHECK(reqs[0].path == "/v19.0/" + phone_id + "/messages");
  CHECK(reqs[0].authorization == "Bearer " + token);
  CHECK(reqs[0].content_type == "application/json");

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(reqs[0].body).get(doc) == simdjson::SUCCESS);
  auto str = [](simdjson::dom::element e) { return std::string{e.get_string().value()}; };
  CHECK(str(doc["messaging_product"]) == "whatsapp");
  CHECK(str(doc["recipient_type"]) == "individual");
  CHECK(str(doc["to"]) == "9779841231953");
  CHECK(str(doc["type"]) == "template");
  CHECK(str(doc["biz_opaque_callback_data"]) == message().idempotency_key);
  CHECK(str(doc["template"]["name"]) == "rfq_request");
  CHECK(str(doc["template"]["language"]["code"]) == "en");
  auto component = doc["template"]["components"].at(0);
  CHECK(str(component["type"]) == "body");
  simdjson::dom::array params;
  REQUIRE(component["parameters"].get_array().get(params) == simdjson::SUCCESS);
  std::vector<std::string> texts;
  for (auto p : params) {
    CHECK(str(p["type"]) == "text");
    texts.push_back(str(p["text"]));
  }
  CHECK(texts == message().template_params);
}

TEST_CASE("whatsapp notifier flattens parameters Meta would refuse", "[notify][adapters]") {
  test::fake_whatsapp_server fake;
  whatsapp_notifier n{settings_for(fake.base_url())};
  auto m = message();
  m.template_params = {"Shree\nGanesh\tTraders", "a     b"};
  REQUIRE(n.send(m));
  auto body = fake.requests().at(0).body;
  CHECK_THAT(body, Catch::Contains(R"("text":"Shree Ganesh Traders")"));
  CHECK_THAT(body, Catch::Contains(R"("text":"a b")"));
}

TEST_CASE("whatsapp notifier refuses a recipient that is not E.164 without a call",
          "[notify][adapters]") {
  auto recipient = GENERATE(as<std::string>{}, "9841231953", "+977abc1231953", "+1234567",
                            "+1234567890123456", "", "+977 9841231953\r\nX: y", "r@example.com");
  CAPTURE(recipient);
  test::fake_whatsapp_server fake;
  whatsapp_notifier n{settings_for(fake.base_url())};
  auto m = message();
  m.recipient = recipient;
  auto got = n.send(m);
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_rejected));
  CHECK_FALSE(is_transient(got.error()));
  CHECK(fake.requests().empty());
}

TEST_CASE("whatsapp_to keeps the digits of an E.164 number", "[notify][adapters]") {
  CHECK(whatsapp_to("+9779841231953") == "9779841231953");
  CHECK(whatsapp_to("+1 (415) 555-2671") == "14155552671");
  CHECK(whatsapp_to("+0123456789").empty());
}

TEST_CASE("whatsapp notifier reports a Graph 400 as rejected, quoting code and message",
          "[notify][adapters]") {
  test::fake_whatsapp_server fake;
  fake.script(test::whatsapp_reply::graph_error(
    400, 131026, "(#131026) Message undeliverable, token " + token + " was used"));
  whatsapp_notifier n{settings_for(fake.base_url())};
  auto got = n.send(message());
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_rejected));
  CHECK_FALSE(is_transient(got.error()));
  CHECK_FALSE(retry_after_of(got.error()));
  auto text = describe(got.error());
  CHECK_THAT(text, Catch::Contains("HTTP 400"));
  CHECK_THAT(text, Catch::Contains("131026"));
  CHECK_THAT(text, Catch::Contains("Message undeliverable"));
  CHECK_THAT(text, Catch::Contains("[redacted]"));
  check_secret_free(got.error());
}

TEST_CASE("whatsapp notifier reports 401, 403 and 404 as rejected without the token",
          "[notify][adapters]") {
  test::fake_whatsapp_server fake;
  fake.script(test::whatsapp_reply::graph_error(
    401, 190, "Error validating access token: " + token.substr(0, 20) + " has expired"));
  fake.script(test::whatsapp_reply::graph_error(403, 10, "Permission denied for " + token));
  fake.script(test::whatsapp_reply::graph_error(404, 100, "Unknown path components: " + token));
  whatsapp_notifier n{settings_for(fake.base_url())};
  for (int status : {401, 403, 404}) {
    CAPTURE(status);
    auto got = n.send(message());
    REQUIRE_FALSE(got);
    CHECK(test::has_code(got.error(), errc::upstream_rejected));
    CHECK_THAT(describe(got.error()), Catch::Contains("HTTP " + std::to_string(status)));
    check_secret_free(got.error());
    // A 401's explanation may quote part of the token: it is never repeated.
    if (status != 404)
      CHECK_THAT(describe(got.error()), !Catch::Contains("EAAG"));
  }
}

TEST_CASE("whatsapp notifier passes on 429 as try-later with its Retry-After",
          "[notify][adapters]") {
  test::fake_whatsapp_server fake;
  fake.script(test::whatsapp_reply::graph_error(429, 80007, "(#80007) Rate limit issues", "7"));
  whatsapp_notifier n{settings_for(fake.base_url())};
  auto got = n.send(message());
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
  CHECK(is_transient(got.error()));
  auto wait = retry_after_of(got.error());
  REQUIRE(wait);
  CHECK(*wait == 7000ms);
  check_secret_free(got.error());
}

TEST_CASE("whatsapp notifier treats Meta's throttling codes as try-later even with 400",
          "[notify][adapters]") {
  auto code = GENERATE(4, 130429, 131048, 131056, 133004);
  CAPTURE(code);
  test::fake_whatsapp_server fake;
  fake.script(test::whatsapp_reply::graph_error(400, code, "(#" + std::to_string(code)
                                                             + ") Rate limit hit", "2"));
  whatsapp_notifier n{settings_for(fake.base_url())};
  auto got = n.send(message());
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
  auto wait = retry_after_of(got.error());
  REQUIRE(wait);
  CHECK(*wait == 2000ms);
}

TEST_CASE("whatsapp notifier passes on 500 and 503 as try-later", "[notify][adapters]") {
  test::fake_whatsapp_server fake;
  fake.script(test::whatsapp_reply::graph_error(500, 131000, "(#131000) Something went wrong"));
  fake.script(test::whatsapp_reply::graph_error(503, 2, "(#2) Service temporarily unavailable"));
  whatsapp_notifier n{settings_for(fake.base_url())};
  for (int status : {500, 503}) {
    CAPTURE(status);
    auto got = n.send(message());
    REQUIRE_FALSE(got);
    CHECK(test::has_code(got.error(), errc::upstream_unavailable));
    CHECK_FALSE(retry_after_of(got.error()));
  }
}

TEST_CASE("whatsapp notifier calls a reply slower than send_timeout an unknown outcome",
          "[notify][adapters]") {
  test::fake_whatsapp_server fake;
  auto slow = test::whatsapp_reply::sent("wamid.late");
  slow.delay = 3s;
  fake.script(slow);
  whatsapp_notifier n{settings_for(fake.base_url())};
  auto started = std::chrono::steady_clock::now();
  auto got = n.send(message());
  auto took = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(got);
  CAPTURE(describe(got.error()));
  CHECK(test::has_code(got.error(), errc::timeout));
  CHECK(is_transient(got.error()));
  CHECK_THAT(describe(got.error()), Catch::Contains("may have been delivered"));
  CHECK(took < 2500ms);  // the deadline, not the fake, ended the call
  CHECK(fake.requests().size() == 1);
  check_secret_free(got.error());
}

TEST_CASE("whatsapp notifier calls a 2xx without a message id an unknown outcome",
          "[notify][adapters]") {
  test::fake_whatsapp_server fake;
  test::whatsapp_reply no_id;
  no_id.body = R"({"messaging_product":"whatsapp","contacts":[{"input":"+9779841231953",)"
               R"("wa_id":"9779841231953"}]})";
  fake.script(no_id);
  test::whatsapp_reply not_json;
  not_json.body = "<html>OK</html>";
  fake.script(not_json);
  whatsapp_notifier n{settings_for(fake.base_url())};
  for (int i = 0; i < 2; ++i) {
    CAPTURE(i);
    auto got = n.send(message());
    REQUIRE_FALSE(got);
    CHECK(test::has_code(got.error(), errc::timeout));
    CHECK_THAT(describe(got.error()), Catch::Contains("outcome is unknown"));
  }
}

TEST_CASE("whatsapp notifier reports a refused connection as try-later", "[notify][adapters]") {
  test::loopback_listener closed{[](int, const std::atomic<bool>&) {}};
  closed.stop_listening();
  whatsapp_notifier n{
    settings_for("http://127.0.0.1:" + std::to_string(closed.port()) + "/v19.0")};
  auto got = n.send(message());
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
  check_secret_free(got.error());
}

TEST_CASE("whatsapp notifier reports a hang-up after the request as try-later",
          "[notify][adapters]") {
  // The request reached the peer, so strictly the outcome is unknown; the
  // shared curl client does not say whether a failure came before or after
  // sending, and only a failure that used the whole deadline is called
  // unknown. Both codes are retried with the same key.
  test::fake_whatsapp_server fake;
  whatsapp_notifier n{settings_for(fake.hang_up_base_url())};
  auto got = n.send(message());
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
  CHECK(is_transient(got.error()));
  CHECK(fake.hung_up_requests() == 1);
  check_secret_free(got.error());
}

TEST_CASE("whatsapp notifier refuses a token unfit for a header before any call",
          "[notify][adapters]") {
  test::fake_whatsapp_server fake;
  auto s = settings_for(fake.base_url());
  s.whatsapp_token = "abc\r\nX-Injected: 1";
  whatsapp_notifier n{s};
  auto got = n.send(message());
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::bad_input));
  CHECK_THAT(describe(got.error()), !Catch::Contains("Injected"));
  CHECK(fake.requests().empty());
}

TEST_CASE("make_notifier picks WhatsApp only when enabled", "[notify][adapters]") {
  config::notify_settings s = settings_for("http://127.0.0.1:9/v19.0");
  auto on = make_notifier("whatsapp", s);
  CHECK(dynamic_cast<whatsapp_notifier*>(on.get()) != nullptr);
  s.whatsapp_enabled = false;
  auto off = make_notifier("whatsapp", s);
  CHECK(dynamic_cast<log_notifier*>(off.get()) != nullptr);
  CHECK(off->channel() == "whatsapp");
}
