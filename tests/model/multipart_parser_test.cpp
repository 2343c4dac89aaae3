// multipart/form-data parsing: every chunking gives the same parts, limits
// and malformed bodies fail with a reason, boundaries come out of Content-Type.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "model/multipart_parser.hpp"

using namespace khaacho::model;
using namespace std::string_literals;

namespace {

struct parsed_part {
  std::string name;
  std::string filename;
  std::string content_type;
  std::string data;

  bool operator==(const parsed_part& other) const {
    return name == other.name && filename == other.filename &&
           content_type == other.content_type && data == other.data;
  }
};

std::ostream& operator<<(std::ostream& out, const parsed_part& p) {
  return out << "{name=" << p.name << " filename=" << p.filename << " type=" << p.content_type
             << " data=" << Catch::Detail::stringify(p.data) << "}";
}

struct outcome {
  bool ok = false;
  bool done = false;
  std::string error;
  std::vector<parsed_part> parts;
  size_t data_calls = 0;
};

// Feeds `body` in chunks of the given sizes (the rest in one last chunk),
// stopping at the first false, as a caller would.
outcome parse_chunks(const std::string& boundary, std::string_view body,
                     const std::vector<size_t>& chunk_sizes, multipart_limits limits = {}) {
  outcome out;
  multipart_parser parser{
    boundary,
    [&](const multipart_part& p) {
      out.parts.push_back({p.name, p.filename, p.content_type, {}});
      return true;
    },
    [&](std::string_view data) {
      REQUIRE(!data.empty());
      REQUIRE(!out.parts.empty());
      ++out.data_calls;
      out.parts.back().data.append(data);
      return true;
    },
    limits};
  out.ok = true;
  for (size_t n : chunk_sizes) {
    n = std::min(n, body.size());
    if (!parser.feed(body.substr(0, n))) {
      out.ok = false;
      break;
    }
    body.remove_prefix(n);
  }
  if (out.ok && !body.empty())
    out.ok = parser.feed(body);
  out.done = parser.done();
  out.error = parser.error();
  return out;
}

outcome parse_whole(const std::string& boundary, std::string_view body, multipart_limits limits = {}) {
  return parse_chunks(boundary, body, {}, limits);
}

outcome parse_bytewise(const std::string& boundary, std::string_view body) {
  return parse_chunks(boundary, body, std::vector<size_t>(body.size(), 1));
}

const std::string boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

std::string two_part_body() {
  std::string png_like = std::string("\x89PNG\r\n\x1a\n", 8) + std::string("\0\r\n-\r\r\n--", 10) +
                         "binary\r\n";
  return "--" + boundary + "\r\n" +
         "Content-Disposition: form-data; name=\"retailerId\"\r\n"
         "\r\n"
         "9b2f7c1e-0d4a-4c6e-8f3b-2a1d5e6f7a8b\r\n"
         "--" + boundary + "\r\n" +
         "Content-Disposition: form-data; name=\"image\"; filename=\"order.png\"\r\n"
         "Content-Type: image/png\r\n"
         "\r\n" + png_like + "\r\n"
         "--" + boundary + "--\r\n";
}

std::vector<parsed_part> two_part_expected() {
  std::string png_like = std::string("\x89PNG\r\n\x1a\n", 8) + std::string("\0\r\n-\r\r\n--", 10) +
                         "binary\r\n";
  return {{"retailerId", "", "", "9b2f7c1e-0d4a-4c6e-8f3b-2a1d5e6f7a8b"},
          {"image", "order.png", "image/png", png_like}};
}

}  // namespace

TEST_CASE("multipart: a two-part body parses whole", "[model]") {
  auto out = parse_whole(boundary, two_part_body());
  CHECK(out.ok);
  CHECK(out.error.empty());
  CHECK(out.done);
  CHECK(out.parts == two_part_expected());
}

TEST_CASE("multipart: every split point gives the same parts", "[model]") {
  const auto body = two_part_body();
  const auto expected = two_part_expected();
  for (size_t split = 0; split <= body.size(); ++split) {
    CAPTURE(split);
    auto out = parse_chunks(boundary, body, {split});
    REQUIRE(out.ok);
    REQUIRE(out.done);
    REQUIRE(out.parts == expected);
  }
  // Three chunks: every pair of split points around the second delimiter.
  auto second = body.find("\r\n--" + boundary, 10);
  REQUIRE(second != std::string::npos);
  for (size_t a = second - 3; a < second + boundary.size() + 8; ++a)
    for (size_t b = a; b < second + boundary.size() + 8; ++b) {
      CAPTURE(a, b);
      auto out = parse_chunks(boundary, body, {a, b - a});
      REQUIRE(out.ok);
      REQUIRE(out.done);
      REQUIRE(out.parts == expected);
    }
}

TEST_CASE("multipart: one byte at a time gives the same parts", "[model]") {
  auto out = parse_bytewise(boundary, two_part_body());
  CHECK(out.ok);
  CHECK(out.done);
  CHECK(out.parts == two_part_expected());
}

TEST_CASE("multipart: data holds no more than a delimiter back", "[model]") {
  // Big data fed in 1000-byte chunks comes out while it streams, not at the end.
  std::string data(100000, 'x');
  std::string body = "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n" + data + "\r\n--b--";
  std::string seen;
  multipart_parser parser{"b", nullptr, [&](std::string_view d) {
                            seen.append(d);
                            return true;
                          }};
  const size_t header_end = body.find("\r\n\r\n") + 4;
  for (size_t fed = 0; fed < body.size();) {
    auto chunk = std::string_view{body}.substr(fed, 1000);
    REQUIRE(parser.feed(chunk));
    fed += chunk.size();
    if (fed > header_end && fed <= header_end + data.size())
      REQUIRE(seen.size() == fed - header_end);  // no CR in the data: nothing held back
  }
  CHECK(parser.done());
  CHECK(seen == data);
}

TEST_CASE("multipart: near-boundary sequences in data are data", "[model]") {
  auto [name, data] = GENERATE(table<std::string, std::string>({
    {"CRLF dash dash and a prefix", "a\r\n--bound"},
    {"prefix then other bytes", "a\r\n--boundarz\r\nz"},
    {"without the CRLF", "--boundary"},
    {"LF only before", "x\n--boundary y"},
    {"CR only before", "x\r--boundary y"},
    {"one dash", "\r\n-boundary"},
    {"many CRs", "\r\r\r\r\n\r\n-\r\n--\r\n--b\r"},
    {"ends with CR", "abc\r"},
    {"ends with a delimiter prefix", "abc\r\n--boundar"},
    {"empty", ""},
  }));
  CAPTURE(name);
  std::string body = "preamble\r\n--boundary\r\nContent-Disposition: form-data; name=f\r\n\r\n" + data +
                     "\r\n--boundary--\r\nepilogue --boundary garbage";
  auto whole = parse_whole("boundary", body);
  CHECK(whole.ok);
  CHECK(whole.done);
  REQUIRE(whole.parts.size() == 1);
  CHECK(whole.parts[0].data == data);
  auto bytewise = parse_bytewise("boundary", body);
  CHECK(bytewise.ok);
  CHECK(bytewise.done);
  CHECK(bytewise.parts == whole.parts);
  for (size_t split = 0; split <= body.size(); ++split) {
    CAPTURE(split);
    REQUIRE(parse_chunks("boundary", body, {split}).parts == whole.parts);
  }
}

TEST_CASE("multipart: accepted variations", "[model]") {
  using parts = std::vector<parsed_part>;
  auto [name, body, expected] = GENERATE(table<std::string, std::string, parts>({
    {"no preamble, no CRLF at the end",
     "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--", {{"a", "", "", "1"}}},
    {"preamble and epilogue",
     "ignored\r\n--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--\r\nignored too\r\n--b\r\n",
     {{"a", "", "", "1"}}},
    {"transport padding after boundaries",
     "--b \t \r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b\t\r\n"
     "Content-Disposition: form-data; name=c\r\n\r\n2\r\n--b--  \r\n",
     {{"a", "", "", "1"}, {"c", "", "", "2"}}},
    {"header names in any case, values trimmed",
     "--b\r\ncOnTeNt-DiSpOsItIoN:form-data;name=\"a\";FILENAME=\"x y.png\"\r\n"
     "CONTENT-TYPE:   image/png  \r\n\r\n1\r\n--b--",
     {{"a", "x y.png", "image/png", "1"}}},
    {"disposition type in any case, spaces around params",
     "--b\r\nContent-Disposition: Form-Data ; name = \"a\" ; filename=x.png ;\r\n\r\n1\r\n--b--",
     {{"a", "x.png", "", "1"}}},
    {"filename* is ignored",
     "--b\r\nContent-Disposition: form-data; name=\"a\"; filename*=UTF-8''evil.exe; filename=\"ok.png\"\r\n"
     "\r\n1\r\n--b--",
     {{"a", "ok.png", "", "1"}}},
    {"escaped quote, semicolon and backslash path in quoted values",
     "--b\r\nContent-Disposition: form-data; name=\"a;b\"; filename=\"C:\\dir\\say \\\"hi\\\".png\"\r\n"
     "\r\n1\r\n--b--",
     {{"a;b", "C:\\dir\\say \"hi\".png", "", "1"}}},
    {"UTF-8 file name", "--b\r\nContent-Disposition: form-data; name=image; filename=\"अर्डर.jpg\"\r\n\r\nx\r\n--b--",
     {{"image", "अर्डर.jpg", "", "x"}}},
    {"other headers ignored",
     "--b\r\nX-Whatever: 1\r\nContent-Disposition: form-data; name=a\r\nContent-Transfer-Encoding: binary\r\n"
     "\r\n1\r\n--b--",
     {{"a", "", "", "1"}}},
    {"empty part data",
     "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n\r\n--b--", {{"a", "", "", ""}}},
  }));
  CAPTURE(name);
  auto out = parse_whole("b", body);
  CHECK(out.ok);
  CHECK(out.error.empty());
  CHECK(out.done);
  CHECK(out.parts == expected);
  CHECK(parse_bytewise("b", body).parts == expected);
}

TEST_CASE("multipart: a boundary with specials and inner spaces works", "[model]") {
  std::string b = "a'()+_,-./:=? z";
  std::string body = "--" + b + "\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--" + b + "--";
  auto out = parse_bytewise(b, body);
  CHECK(out.ok);
  CHECK(out.done);
  REQUIRE(out.parts.size() == 1);
  CHECK(out.parts[0].data == "v");
}

TEST_CASE("multipart: malformed bodies fail with a reason", "[model]") {
  auto [name, body, reason] = GENERATE(table<std::string, std::string, std::string>({
    {"garbage header line", "--b\r\nthis is not a header\r\n\r\n1\r\n--b--", "malformed part header"},
    {"space before colon", "--b\r\nContent-Disposition : form-data; name=a\r\n\r\n1\r\n--b--",
     "malformed part header"},
    {"header with bare LF", "--b\r\nContent-Disposition: form-data; name=a\n\r\n1\r\n--b--",
     "malformed part header"},
    {"header with stray CR", "--b\r\nContent-Disposition: form-data;\r name=a\r\n\r\n1\r\n--b--",
     "malformed part header"},
    {"header with NUL", "--b\r\nContent-Disposition: form-data; name=a\0\r\n\r\n1\r\n--b--"s,
     "malformed part header"},
    {"folded header line", "--b\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\n1\r\n--b--",
     "malformed part header"},
    {"no Content-Disposition", "--b\r\nContent-Type: text/plain\r\n\r\n1\r\n--b--", "malformed part header"},
    {"disposition not form-data", "--b\r\nContent-Disposition: attachment; name=a\r\n\r\n1\r\n--b--",
     "malformed part header"},
    {"disposition without name", "--b\r\nContent-Disposition: form-data; filename=a.png\r\n\r\n1\r\n--b--",
     "malformed part header"},
    {"two names", "--b\r\nContent-Disposition: form-data; name=image; name=other\r\n\r\n1\r\n--b--",
     "malformed part header"},
    {"two dispositions",
     "--b\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n\r\n1\r\n--b--",
     "malformed part header"},
    {"unterminated quote", "--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--b--",
     "malformed part header"},
    {"junk after a quoted value", "--b\r\nContent-Disposition: form-data; name=\"a\"x\r\n\r\n1\r\n--b--",
     "malformed part header"},
    {"junk after the boundary", "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--bx\r\n",
     "malformed boundary"},
    {"boundary then CR without LF", "--b\rContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--",
     "malformed boundary"},
    {"single dash close", "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b-x",
     "malformed boundary"},
    {"boundary text in the preamble", "hello --b\r\n--by\r\n", "malformed boundary"},
  }));
  CAPTURE(name);
  auto whole = parse_whole("b", body);
  CHECK_FALSE(whole.ok);
  CHECK_FALSE(whole.done);
  CHECK(whole.error == reason);
  auto bytewise = parse_bytewise("b", body);
  CHECK_FALSE(bytewise.ok);
  CHECK(bytewise.error == reason);
}

TEST_CASE("multipart: a failed parser stays failed", "[model]") {
  multipart_parser parser{"b", nullptr, nullptr};
  CHECK_FALSE(parser.feed("--bX"));
  CHECK(parser.error() == "malformed boundary");
  CHECK_FALSE(parser.feed("\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--"));
  CHECK_FALSE(parser.done());
  CHECK(parser.error() == "malformed boundary");
}

TEST_CASE("multipart: a body cut short is not done", "[model]") {
  const auto body = two_part_body();
  const auto close = body.rfind("--" + boundary + "--");
  for (size_t cut = 0; cut < close + boundary.size() + 4; ++cut) {
    CAPTURE(cut);
    multipart_parser parser{boundary, nullptr, nullptr};
    REQUIRE(parser.feed(std::string_view{body}.substr(0, cut)));
    REQUIRE_FALSE(parser.done());
  }
}

TEST_CASE("multipart: a body without its closing boundary is not done", "[model]") {
  auto [name, body] = GENERATE(table<std::string, std::string>({
    {"last part never closed", "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"},
    {"ends on an opening boundary", "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b\r\n"},
    {"ends in headers", "--b\r\nContent-Disposition: form-data; name=a\r\n"},
    {"only a preamble", "no boundary here at all"},
    {"closing boundary without its CRLF", "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1--b--"},
  }));
  CAPTURE(name);
  auto out = parse_whole("b", body);
  CHECK(out.ok);
  CHECK_FALSE(out.done);
}

TEST_CASE("multipart: too many parts", "[model]") {
  std::string body;
  for (int i = 0; i < 3; ++i)
    body += "--b\r\nContent-Disposition: form-data; name=p" + std::to_string(i) + "\r\n\r\nv\r\n";
  body += "--b--";
  multipart_limits limits;
  limits.max_parts = 3;
  auto ok = parse_whole("b", body, limits);
  CHECK(ok.ok);
  CHECK(ok.done);
  CHECK(ok.parts.size() == 3);
  limits.max_parts = 2;
  auto refused = parse_whole("b", body, limits);
  CHECK_FALSE(refused.ok);
  CHECK(refused.error == "too many parts");
  CHECK(refused.parts.size() == 2);
}

TEST_CASE("multipart: part header too large", "[model]") {
  std::string header = "Content-Disposition: form-data; name=a\r\n";
  std::string body = "--b\r\n" + header + "\r\nv\r\n--b--";
  multipart_limits limits;
  limits.max_header_bytes = header.size() + 2;  // the line and the empty line
  CHECK(parse_whole("b", body, limits).done);
  CHECK(parse_bytewise("b", body).done);
  limits.max_header_bytes = header.size() + 1;
  auto refused = parse_whole("b", body, limits);
  CHECK_FALSE(refused.ok);
  CHECK(refused.error == "part header too large");
  // A header line that never ends is refused once it passes the limit.
  multipart_parser parser{"b", nullptr, nullptr};
  REQUIRE(parser.feed("--b\r\nX-Long: "));
  bool ok = true;
  for (int i = 0; i < 100 && ok; ++i)
    ok = parser.feed(std::string(1024, 'a'));
  CHECK_FALSE(ok);
  CHECK(parser.error() == "part header too large");
}

TEST_CASE("multipart: a callback returning false stops the parser", "[model]") {
  const auto body = two_part_body();
  SECTION("part callback") {
    int parts = 0;
    multipart_parser parser{boundary, [&](const multipart_part& p) {
                              ++parts;
                              return p.name != "image";
                            },
                            nullptr};
    CHECK_FALSE(parser.feed(body));
    CHECK(parser.error() == "stopped");
    CHECK(parts == 2);
    CHECK_FALSE(parser.done());
  }
  SECTION("data callback") {
    int calls = 0;
    multipart_parser parser{boundary, nullptr, [&](std::string_view) {
                              ++calls;
                              return false;
                            }};
    CHECK_FALSE(parser.feed(body));
    CHECK(parser.error() == "stopped");
    CHECK(calls == 1);
    CHECK_FALSE(parser.feed("more"));
  }
}

TEST_CASE("multipart: an invalid boundary refuses everything", "[model]") {
  auto b = GENERATE(as<std::string>{}, "", std::string(71, 'a'), "ends with space ", "quo\"te", "cr\rlf");
  CAPTURE(b);
  multipart_parser parser{b, nullptr, nullptr};
  CHECK_FALSE(parser.feed("--" + b + "\r\n"));
  CHECK(parser.error() == "invalid boundary");
}

TEST_CASE("multipart: the boundary comes out of Content-Type", "[model]") {
  using opt = std::optional<std::string>;
  auto [value, expected] = GENERATE(table<std::string, opt>({
    {"multipart/form-data; boundary=abc", "abc"},
    {"multipart/form-data; boundary=\"abc\"", "abc"},
    {"Multipart/Form-Data; BOUNDARY=abc", "abc"},
    {"  multipart/form-data ;boundary = abc ; charset=utf-8", "abc"},
    {"multipart/form-data; charset=utf-8; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
     "----WebKitFormBoundary7MA4YWxkTrZu0gW"},
    {"multipart/form-data; boundary=\"gc0p4Jq0M:2Yt08jU534c0p\"", "gc0p4Jq0M:2Yt08jU534c0p"},
    {"multipart/form-data; boundary=\"with inner space\"", "with inner space"},
    {"multipart/form-data; boundary=a/b=c?d", "a/b=c?d"},
    {"multipart/form-data; boundary=" + std::string(70, 'x'), std::string(70, 'x')},
    {"multipart/form-data; boundary=" + std::string(71, 'x'), std::nullopt},
    {"multipart/form-data; boundary=\"\"", std::nullopt},
    {"multipart/form-data; boundary=", std::nullopt},
    {"multipart/form-data; boundary=\"trailing \"", std::nullopt},
    {"multipart/form-data; boundary=\"unterminated", std::nullopt},
    {"multipart/form-data; boundary=bad\\char", std::nullopt},
    {"multipart/form-data; boundary=a; boundary=b", std::nullopt},
    {"multipart/form-data", std::nullopt},
    {"multipart/form-data; charset=utf-8", std::nullopt},
    {"multipart/mixed; boundary=abc", std::nullopt},
    {"multipart/form-datax; boundary=abc", std::nullopt},
    {"application/x-www-form-urlencoded", std::nullopt},
    {"text/plain; boundary=abc", std::nullopt},
    {"", std::nullopt},
    {"multipart/form-data; boundary=abc junk", std::nullopt},
  }));
  CAPTURE(value);
  CHECK(multipart_boundary(value) == expected);
}
