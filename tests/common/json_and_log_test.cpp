// JSON escaping and the Cloud Logging line shape.
#include <catch2/catch.hpp>

#include "common/json_writer.hpp"
#include "common/log.hpp"

using namespace khaacho;

TEST_CASE("JSON strings escape quotes, control bytes and invalid UTF-8", "[model]") {
  auto [input, expected] = GENERATE(table<std::string, std::string>({
    {"plain", "\"plain\""},
    {"say \"hi\"", "\"say \\\"hi\\\"\""},
    {"back\\slash", "\"back\\\\slash\""},
    {"line\nbreak\ttab", "\"line\\nbreak\\ttab\""},
    {std::string("nul\0byte", 8), "\"nul\\u0000byte\""},
    {"चिनी १० केजी", "\"चिनी १० केजी\""},
    {"bad\xff" "byte", "\"bad\\ufffdbyte\""},
    {"cut\xe0\xa4", "\"cut\\ufffd\\ufffd\""},
  }));
  std::string out;
  append_json_string(out, input);
  CAPTURE(input);
  CHECK(out == expected);
}

TEST_CASE("objects keep insertion order and render every value kind", "[model]") {
  json_object o;
  o.add("s", "x").add("i", int64_t{-3}).add("d", 0.5).add("b", true).add_null("n").add_raw("r", "[1]");
  CHECK(o.str() == R"({"s":"x","i":-3,"d":0.5,"b":true,"n":null,"r":[1]})");
  CHECK(json_object{}.str() == "{}");
}

TEST_CASE("optional text fields are null when empty, arrays join their elements", "[model]") {
  json_object o;
  o.add_or_null("unit", "").add_or_null("name", "chini");
  CHECK(o.str() == R"({"unit":null,"name":"chini"})");
  json_array a;
  CHECK(a.empty());
  CHECK(a.str() == "[]");
  a.add(o).add("x").add_raw("2");
  CHECK_FALSE(a.empty());
  CHECK(a.str() == R"([{"unit":null,"name":"chini"},"x",2])");
}

TEST_CASE("log lines carry severity, message, time and fields", "[model]") {
  auto line = log::format_line(log::level::warn, "stage \"ocr\" retried",
                               {{"order_id", "abc"}, {"attempt", "2"}}, "2026-11-28T10:00:00.000Z");
  CHECK(line == R"({"severity":"WARNING","message":"stage \"ocr\" retried","time":"2026-11-28T10:00:00.000Z","order_id":"abc","attempt":"2"})");
  auto err = log::format_line(log::level::error, "x", {}, "t");
  CHECK(err.find(R"("severity":"ERROR")") != std::string::npos);
}
