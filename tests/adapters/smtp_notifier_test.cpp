// The SMTP notifier against a loopback SMTP sink: the message that arrives
// (headers, encodings, dot-stuffing), the receipt, and the classification of
// refusals, deferrals, refused and stalled peers.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "adapters/notify/log_notifier.hpp"
#include "adapters/notify/smtp_notifier.hpp"
#include "support/error_checks.hpp"
#include "support/mail_decoding.hpp"
#include "support/smtp_sink.hpp"

using namespace khaacho;
using namespace khaacho::notify;
using namespace std::chrono_literals;

namespace {

const std::string password = "smtp-pa55word-SECRET";
const std::string key = "3f2c5b0e-7a1d-4c2e-9b8f-0123456789ab";

config::notify_settings settings_for(const test::smtp_sink& sink) {
  config::notify_settings s;
  s.email_enabled = true;
  s.smtp_url = sink.url();
  s.smtp_tls = "none";
  s.email_from = "rfq@khaacho.test";
  s.send_timeout = 500ms;
  return s;
}

outgoing_message message() {
  outgoing_message m;
  m.channel = "email";
  m.recipient = "orders@ganesh-traders.example";
  m.idempotency_key = key;
  m.subject = "Request for quote 1a2b3c4d: 2 items for Ram Kirana Pasal";
  m.text = "Namaste Shree Ganesh Traders,\n\n1. Chini - 10 kg\n2. Dal - 5 kg\n"
           ".hidden line that starts with a dot\n.\n..two dots\n\nRFQ: 1a2b3c4d\n";
  return m;
}

/// `text` with every '\n' as "\r\n", as it must arrive.
std::string crlf(const std::string& text) {
  std::string out;
  for (char c : text)
    out += c == '\n' ? std::string{"\r\n"} : std::string(1, c);
  return out;
}

void check_secret_free(const caf::error& err) {
  auto text = describe(err);
  CAPTURE(text);
  CHECK(text.find(password) == std::string::npos);
}

}  // namespace

TEST_CASE("smtp notifier delivers an ASCII RFQ as 7bit with its Message-ID", "[notify][adapters]") {
  test::smtp_sink sink;
  smtp_notifier n{settings_for(sink)};
  CHECK(n.channel() == "email");

  auto got = n.send(message());
  REQUIRE(got);
  CHECK(got->provider_message_id == "<" + key + "@khaacho>");

  auto mails = sink.messages();
  REQUIRE(mails.size() == 1);
  CHECK(mails[0].mail_from == "rfq@khaacho.test");
  REQUIRE(mails[0].rcpt_to.size() == 1);
  CHECK(mails[0].rcpt_to[0] == "orders@ganesh-traders.example");
  const auto& data = mails[0].data;
  CAPTURE(data);
  CHECK(test::header_of(data, "Message-ID") == "<" + key + "@khaacho>");
  CHECK(test::header_of(data, "From") == "rfq@khaacho.test");
  CHECK(test::header_of(data, "To") == "orders@ganesh-traders.example");
  CHECK(test::header_of(data, "Subject") == message().subject);
  CHECK(test::header_of(data, "MIME-Version") == "1.0");
  CHECK(test::header_of(data, "Content-Type") == "text/plain; charset=UTF-8");
  CHECK(test::header_of(data, "Content-Transfer-Encoding") == "7bit");
  CHECK_THAT(test::header_of(data, "Date"),
             Catch::Matches("[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} "
                            "[0-9]{2}:[0-9]{2}:[0-9]{2} \\+0000"));
  // Lines starting with a dot went out doubled and came back whole.
  CHECK(test::body_of(data) == crlf(message().text));
  CHECK_THAT(mails[0].raw, Catch::Contains("\r\n..hidden line"));
  CHECK_THAT(mails[0].raw, Catch::Contains("\r\n..\r\n"));
  CHECK_THAT(mails[0].raw, Catch::Contains("\r\n...two dots"));
  // Every line ends in CRLF: no bare LF reached the wire.
  for (size_t i = data.find('\n'); i != std::string::npos; i = data.find('\n', i + 1))
    CHECK(data[i - 1] == '\r');
}

TEST_CASE("smtp notifier sends UTF-8 subject and body intact", "[notify][adapters]") {
  test::smtp_sink sink;
  smtp_notifier n{settings_for(sink)};
  auto m = message();
  m.subject = "मूल्य अनुरोध 1a2b3c4d: राम किराना पसलका लागि २ सामान (Request for quote)";
  m.text = "नमस्ते Shree Ganesh Traders,\n\n1. चिनी - 10 kg\n.डट भएको पङ्क्ति\n"
           "trailing space \n" + std::string(120, 'x') + "=\n";
  REQUIRE(n.send(m));

  auto mails = sink.messages();
  REQUIRE(mails.size() == 1);
  const auto& data = mails[0].data;
  CAPTURE(data);
  auto subject = test::header_of(data, "Subject");
  CHECK_THAT(subject, Catch::StartsWith("=?UTF-8?B?"));
  CHECK(test::decode_encoded_words(subject) == m.subject);
  CHECK(test::header_of(data, "Content-Transfer-Encoding") == "quoted-printable");
  auto body = test::body_of(data);
  CHECK(test::decode_quoted_printable(body) == crlf(m.text));
  // Headers and body are 7-bit and no line is over RFC 5322's limit.
  size_t start = 0;
  for (size_t i = data.find("\r\n"); i != std::string::npos; i = data.find("\r\n", start)) {
    CHECK(i - start <= 78);
    start = i + 2;
  }
  for (char c : data)
    CHECK(static_cast<unsigned char>(c) < 0x80);
  CHECK_THAT(mails[0].raw, Catch::Contains("\r\n..=E0=A4"));  // the dotted line, stuffed
}

TEST_CASE("smtp notifier refuses a recipient that is not one plain address without a call",
          "[notify][adapters]") {
  auto recipient = GENERATE(as<std::string>{}, "", "no-at-sign.example", "a@b@c.example",
                            "r@example.com\r\nBcc: x@evil.example", "r@example.com>,<x@evil",
                            "two words@example.com", "@example.com", "r@");
  CAPTURE(recipient);
  test::smtp_sink sink;
  smtp_notifier n{settings_for(sink)};
  auto m = message();
  m.recipient = recipient;
  auto got = n.send(m);
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_rejected));
  CHECK(sink.commands().empty());
}

TEST_CASE("smtp notifier reports a 550 to RCPT as rejected", "[notify][adapters]") {
  test::smtp_sink sink;
  test::smtp_script script;
  script.rcpt_reply = 550;
  sink.set_script(script);
  smtp_notifier n{settings_for(sink)};
  auto got = n.send(message());
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_rejected));
  CHECK_FALSE(is_transient(got.error()));
  CHECK_THAT(describe(got.error()), Catch::Contains("SMTP 550"));
  CHECK(sink.messages().empty());
}

TEST_CASE("smtp notifier reports 4xx replies as try-later", "[notify][adapters]") {
  test::smtp_script script;
  SECTION("450 to RCPT") { script.rcpt_reply = 450; }
  SECTION("451 to DATA") { script.data_reply = 451; }
  SECTION("451 after the message") { script.end_reply = 451; }
  test::smtp_sink sink;
  sink.set_script(script);
  smtp_notifier n{settings_for(sink)};
  auto got = n.send(message());
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
  CHECK(is_transient(got.error()));
  CHECK_THAT(describe(got.error()), Catch::Contains("SMTP 45"));
}

TEST_CASE("smtp notifier reports a 554 verdict on the message as rejected",
          "[notify][adapters]") {
  test::smtp_sink sink;
  test::smtp_script script;
  script.end_reply = 554;
  sink.set_script(script);
  smtp_notifier n{settings_for(sink)};
  auto got = n.send(message());
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_rejected));
  CHECK(sink.messages().size() == 1);  // it arrived, and was refused
}

TEST_CASE("smtp notifier reports a refused connection as try-later", "[notify][adapters]") {
  test::smtp_sink sink;
  sink.refuse_connections();
  smtp_notifier n{settings_for(sink)};
  auto got = n.send(message());
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
}

TEST_CASE("smtp notifier reports a peer that stalls before the message as try-later",
          "[notify][adapters]") {
  test::smtp_script script;
  SECTION("no greeting") { script.stall_greeting = 3s; }
  SECTION("no answer to DATA") { script.stall_data_command = 3s; }
  test::smtp_sink sink;
  sink.set_script(script);
  smtp_notifier n{settings_for(sink)};
  auto started = std::chrono::steady_clock::now();
  auto got = n.send(message());
  REQUIRE_FALSE(got);
  CHECK(std::chrono::steady_clock::now() - started < 2500ms);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
  CHECK(sink.messages().empty());
}

TEST_CASE("smtp notifier calls a missing verdict after the message an unknown outcome",
          "[notify][adapters]") {
  test::smtp_script script;
  SECTION("no answer within send_timeout") { script.stall_verdict = 3s; }
  SECTION("connection closed instead of an answer") { script.hang_up_after_message = true; }
  test::smtp_sink sink;
  sink.set_script(script);
  smtp_notifier n{settings_for(sink)};
  auto started = std::chrono::steady_clock::now();
  auto got = n.send(message());
  REQUIRE_FALSE(got);
  CHECK(std::chrono::steady_clock::now() - started < 2500ms);
  CHECK(test::has_code(got.error(), errc::timeout));
  CHECK(is_transient(got.error()));
  CHECK_THAT(describe(got.error()), Catch::Contains("may have been delivered"));
  CHECK(sink.messages().size() == 1);
}

TEST_CASE("smtp notifier starts afresh after a failed session", "[notify][adapters]") {
  // curl keeps a failed session; reused, the late verdict of the first
  // message would answer the second one's MAIL FROM.
  test::smtp_script script;
  SECTION("after a missing verdict") { script.stall_verdict = 3s; }
  SECTION("after a refused recipient") { script.rcpt_reply = 550; }
  test::smtp_sink sink;
  sink.set_script(script);
  smtp_notifier n{settings_for(sink)};
  auto started = std::chrono::steady_clock::now();
  REQUIRE_FALSE(n.send(message()));
  sink.set_script({});
  auto m = message();
  m.idempotency_key = "second-key";
  auto got = n.send(m);
  REQUIRE(got);
  CHECK(got->provider_message_id == "<second-key@khaacho>");
  CHECK(std::chrono::steady_clock::now() - started < 2500ms);
  auto mails = sink.messages();
  REQUIRE_FALSE(mails.empty());
  CHECK(test::header_of(mails.back().data, "Message-ID") == "<second-key@khaacho>");
}

TEST_CASE("smtp notifier logs in with AUTH PLAIN and keeps the password out of errors",
          "[notify][adapters]") {
  test::smtp_sink sink;
  test::smtp_script script;
  script.user = "rfq-mailer";
  script.password = password;
  sink.set_script(script);
  auto s = settings_for(sink);
  s.smtp_user = "rfq-mailer";
  s.smtp_password = password;
  {
    smtp_notifier n{s};
    REQUIRE(n.send(message()));
    CHECK(sink.messages().size() == 1);
  }
  s.smtp_password = "wrong-" + password;
  smtp_notifier wrong{s};
  auto got = wrong.send(message());
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_rejected));
  CHECK_THAT(describe(got.error()), Catch::Contains("535"));
  check_secret_free(got.error());
  CHECK(sink.messages().size() == 1);
}

TEST_CASE("smtp notifier with starttls never falls back to clear text", "[notify][adapters]") {
  test::smtp_sink sink;  // offers no STARTTLS
  auto s = settings_for(sink);
  s.smtp_tls = "starttls";
  smtp_notifier n{s};
  auto got = n.send(message());
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
  CHECK(sink.messages().empty());
}

TEST_CASE("smtp notifier sends a retry with the same Message-ID", "[notify][adapters]") {
  test::smtp_sink sink;
  smtp_notifier n{settings_for(sink)};
  auto first = n.send(message());
  auto second = n.send(message());
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->provider_message_id == second->provider_message_id);
  auto mails = sink.messages();
  REQUIRE(mails.size() == 2);
  CHECK(test::header_of(mails[0].data, "Message-ID") == test::header_of(mails[1].data, "Message-ID"));
}

TEST_CASE("make_notifier picks SMTP only when e-mail is enabled", "[notify][adapters]") {
  test::smtp_sink sink;
  auto s = settings_for(sink);
  CHECK(dynamic_cast<smtp_notifier*>(make_notifier("email", s).get()) != nullptr);
  s.email_enabled = false;
  auto off = make_notifier("email", s);
  CHECK(dynamic_cast<log_notifier*>(off.get()) != nullptr);
  CHECK(off->channel() == "email");
}
