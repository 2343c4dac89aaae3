// RFC 4180 reading: quoting, line breaks, BOM, line numbers and syntax errors.
#include <catch2/catch.hpp>

#include "model/csv_reader.hpp"

using namespace khaacho::model;
using records = std::vector<std::vector<std::string>>;

TEST_CASE("csv records split into fields as RFC 4180 says", "[model]") {
  auto [name, text, expected] = GENERATE(table<std::string, std::string, records>({
    {"plain", "a,b,c\n1,2,3\n", {{"a", "b", "c"}, {"1", "2", "3"}}},
    {"no final line break", "a,b\n1,2", {{"a", "b"}, {"1", "2"}}},
    {"CRLF", "a,b\r\n1,2\r\n", {{"a", "b"}, {"1", "2"}}},
    {"CRLF cut short at the end", "a,b\r", {{"a", "b"}}},
    {"empty fields", "a,,c\n,,\n", {{"a", "", "c"}, {"", "", ""}}},
    {"trailing comma is an empty field", "a,b,\n", {{"a", "b", ""}}},
    {"quoted comma", "\"Atta (Wheat Flour, Loose)\",kg\n", {{"Atta (Wheat Flour, Loose)", "kg"}}},
    {"doubled quote", "\"say \"\"chini\"\"\",x\n", {{"say \"chini\"", "x"}}},
    {"only a doubled quote", "\"\"\"\"\n", {{"\""}}},
    {"empty quoted field", "\"\",b\n", {{"", "b"}}},
    {"line break inside quotes", "\"two\nlines\",b\nc,d\n", {{"two\nlines", "b"}, {"c", "d"}}},
    {"CRLF inside quotes is kept", "\"x\r\ny\"\r\n", {{"x\r\ny"}}},
    {"lone CR is data", "a\rb,c\n", {{"a\rb", "c"}}},
    {"quoted field then CRLF", "\"a\",\"b\"\r\n\"c\",\"d\"", {{"a", "b"}, {"c", "d"}}},
    {"UTF-8 BOM is skipped", "\xEF\xBB\xBFid,name\n1,x\n", {{"id", "name"}, {"1", "x"}}},
    {"empty lines are skipped", "a\n\n\r\nb\n\n", {{"a"}, {"b"}}},
    {"final CRLF cut short after a line break", "a\r\n\r", {{"a"}}},
    {"spaces are kept", " a , b \n", {{" a ", " b "}}},
    {"Devanagari", "चिनी,१० केजी\n", {{"चिनी", "१० केजी"}}},
    {"pipes are data", "x,waiwai chicken|वाइवाइ चिकेन\n", {{"x", "waiwai chicken|वाइवाइ चिकेन"}}},
    {"empty text", "", {}},
    {"only a BOM", "\xEF\xBB\xBF", {}},
  }));
  CAPTURE(name);
  auto doc = parse_csv(text);
  REQUIRE_FALSE(doc.error);
  CHECK(doc.records == expected);
}

TEST_CASE("csv records know the line they start on", "[model]") {
  auto doc = parse_csv("h1,h2\r\n\"multi\nline\nfield\",x\n\nlast,row\n");
  REQUIRE_FALSE(doc.error);
  REQUIRE(doc.records.size() == 3);
  CHECK(doc.lines == std::vector<size_t>{1, 2, 6});
}

TEST_CASE("csv syntax errors name their line and stop the reader", "[model]") {
  auto [name, text, line, fragment] = GENERATE(table<std::string, std::string, size_t, std::string>({
    {"unterminated quote names the line it opened on", "a,b\nc,\"open\nstill open\n", 2, "never closed"},
    {"text after closing quote", "a,b\n\"x\"y,z\n", 2, "after the closing quote"},
    {"quote inside unquoted field", "a,b\nab\"c\",d\n", 2, "quote inside unquoted field 1"},
    {"quote inside second field", "a,b\nok,5\"\n", 2, "unquoted field 2"},
    {"line counted across quoted line breaks", "\"1\n2\n3\",x\nbad\"\n", 4, "quote inside"},
    {"CR after closing quote not followed by LF", "\"a\"\rb\n", 1, "after the closing quote"},
  }));
  CAPTURE(name);
  csv_reader reader{text};
  std::vector<std::string> fields;
  while (reader.next(fields)) {
  }
  REQUIRE(reader.error());
  CHECK(reader.error()->line == line);
  CHECK_THAT(reader.error()->message, Catch::Contains(fragment));
  // A reader that failed stays failed instead of resynchronizing on garbage.
  CHECK_FALSE(reader.next(fields));
}

TEST_CASE("the reader reuses the caller's field vector", "[model]") {
  csv_reader reader{"a,b,c\nd\n"};
  std::vector<std::string> fields;
  REQUIRE(reader.next(fields));
  CHECK(fields.size() == 3);
  REQUIRE(reader.next(fields));
  CHECK(fields == std::vector<std::string>{"d"});
  CHECK_FALSE(reader.next(fields));
  CHECK_FALSE(reader.error());
}

TEST_CASE("csv columns are found by trimmed name", "[model]") {
  csv_columns cols{{"id", " name ", "unit"}};
  CHECK(cols.size() == 3);
  CHECK(cols.find("id") == std::optional<size_t>{0});
  CHECK(cols.find("name") == std::optional<size_t>{1});
  CHECK(cols.find("unit") == std::optional<size_t>{2});
  CHECK_FALSE(cols.find("aliases"));
  CHECK_FALSE(cols.duplicate());
}

TEST_CASE("a header naming a column twice is reported", "[model]") {
  csv_columns cols{{"id", "name", "id"}};
  REQUIRE(cols.duplicate());
  CHECK(*cols.duplicate() == "id");
}

TEST_CASE("trim_blanks removes spaces and tabs only", "[model]") {
  CHECK(trim_blanks("  a b\t") == "a b");
  CHECK(trim_blanks(" \t ").empty());
  CHECK(trim_blanks("चिनी ") == "चिनी");
}
