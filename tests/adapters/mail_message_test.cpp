// The RFC 5322 text of RFQ e-mails: header encoding, quoted-printable, the
// date and the address check, without a server.
#include <catch2/catch.hpp>

#include <string>

#include "adapters/notify/mail_message.hpp"
#include "support/mail_decoding.hpp"

using namespace khaacho::notify;

TEST_CASE("ASCII subjects stay readable; others become encoded words", "[notify][adapters]") {
  CHECK(encode_header_text("Request for quote 1a2b3c4d") == "Request for quote 1a2b3c4d");
  CHECK(encode_header_text("line\r\nBcc: x@evil.example") == "line  Bcc: x@evil.example");

  auto subject = GENERATE(as<std::string>{}, "चिनी", "Café order",
                          "मूल्य अनुरोध 1a2b3c4d: राम किराना पसलका लागि २ सामान",
                          "looks =?encoded?= but is not");
  CAPTURE(subject);
  auto encoded = encode_header_text(subject);
  CAPTURE(encoded);
  CHECK_THAT(encoded, Catch::StartsWith("=?UTF-8?B?"));
  CHECK(khaacho::test::decode_encoded_words(encoded) == subject);
  size_t start = 0;
  for (;;) {
    auto end = encoded.find("\r\n", start);
    auto line = encoded.substr(start, end == std::string::npos ? std::string::npos : end - start);
    CHECK(line.size() + 9 <= 76);  // with "Subject: " in front
    if (end == std::string::npos)
      break;
    start = end + 2;
    CHECK(encoded[start] == ' ');  // a continuation line
  }
  // Each word decodes to whole UTF-8 characters by itself.
  for (size_t at = encoded.find("?B?"); at != std::string::npos; at = encoded.find("?B?", at + 1)) {
    auto word = khaacho::test::decode_base64(encoded.substr(at + 3, encoded.find("?=", at) - at - 3));
    REQUIRE_FALSE(word.empty());
    CHECK((static_cast<unsigned char>(word.front()) & 0xC0) != 0x80);
  }
}

TEST_CASE("quoted-printable round-trips and keeps lines short", "[notify][adapters]") {
  auto text = GENERATE(as<std::string>{}, "नमस्ते\n", "a = b\n", "trailing \n", "tab\t\n",
                       std::string(200, 'x') + "\n", std::string(100, 'x') + "चिनी\n",
                       ".leading dot\n", "no final newline");
  CAPTURE(text);
  auto qp = quoted_printable(text);
  CAPTURE(qp);
  std::string expected;
  for (char c : text)
    expected += c == '\n' ? std::string{"\r\n"} : std::string(1, c);
  if (expected.size() < 2 || expected.compare(expected.size() - 2, 2, "\r\n") != 0)
    expected += "\r\n";
  CHECK(khaacho::test::decode_quoted_printable(qp) == expected);
  size_t start = 0;
  for (auto end = qp.find("\r\n"); end != std::string::npos; end = qp.find("\r\n", start)) {
    auto line = qp.substr(start, end - start);
    CHECK(line.size() <= 76);
    if (!line.empty())
      CHECK(line.back() != ' ');
    start = end + 2;
  }
}

TEST_CASE("mail dates are RFC 5322 in UTC", "[notify][adapters]") {
  CHECK(rfc5322_date(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
  CHECK(rfc5322_date(1767225600) == "Thu, 01 Jan 2026 00:00:00 +0000");
  CHECK(rfc5322_date(1714000000) == "Wed, 24 Apr 2024 23:06:40 +0000");
}

TEST_CASE("only one plain address passes as a recipient", "[notify][adapters]") {
  auto [address, ok] = GENERATE(table<std::string, bool>({
    {"r@example.com", true},
    {"orders+rfq@ganesh-traders.example", true},
    {"", false},
    {"r@", false},
    {"@example.com", false},
    {"a@b@example.com", false},
    {"r@example.com\r\nBcc: x@evil.example", false},
    {"r@example.com\n", false},
    {"Ram <r@example.com>", false},
    {"r@example.com,x@evil.example", false},
    {"राम@example.com", false},
  }));
  CAPTURE(address);
  CHECK(plain_mail_address(address) == ok);
}

TEST_CASE("a rendered mail has the headers in order and a blank line", "[notify][adapters]") {
  mail_fields m{"rfq@khaacho.test", "r@example.com", "Hi", "<k@khaacho>",
                "Thu, 01 Jan 1970 00:00:00 +0000", "Body\n"};
  CHECK(render_mail(m)
        == "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\nFrom: rfq@khaacho.test\r\n"
           "To: r@example.com\r\nSubject: Hi\r\nMessage-ID: <k@khaacho>\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n"
           "\r\nBody\r\n");
}
