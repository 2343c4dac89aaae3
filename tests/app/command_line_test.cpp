// argv parsing: commands, their flags, config overrides, and bad input.
#include <catch2/catch.hpp>

#include "app/command_line.hpp"

using khaacho::app::parse_command_line;

TEST_CASE("token flags take values separately or with =", "[model]") {
  auto r = parse_command_line({"token", "--role", "retailer", "--retailer=abc", "--ttl", "60"});
  REQUIRE(r.error.empty());
  CHECK(r.value.command == "token");
  CHECK(r.value.options.at("role") == "retailer");
  CHECK(r.value.options.at("retailer") == "abc");
  CHECK(r.value.options.at("ttl") == "60");
}

TEST_CASE("dotted flags are configuration overrides, --config names the file", "[model]") {
  auto r = parse_command_line({"serve", "--http.port=9000", "--config", "x.conf", "--migrate",
                               "--database.pool-size", "8"});
  REQUIRE(r.error.empty());
  CHECK(r.value.command == "serve");
  CHECK(r.value.config_file == std::optional<std::string>{"x.conf"});
  CHECK(r.value.options.count("migrate") == 1);
  REQUIRE(r.value.overrides.size() == 2);
  CHECK(r.value.overrides[0] == std::make_pair(std::string{"http.port"}, std::string{"9000"}));
  CHECK(r.value.overrides[1].second == "8");
}

TEST_CASE("import-catalog takes its folder as a positional argument", "[model]") {
  auto r = parse_command_line({"import-catalog", "data/catalog"});
  REQUIRE(r.error.empty());
  REQUIRE(r.value.positional.size() == 1);
  CHECK(r.value.positional[0] == "data/catalog");
}

TEST_CASE("help and version work before and after a command", "[model]") {
  CHECK(parse_command_line({"--version"}).value.version);
  CHECK(parse_command_line({"--help"}).value.help);
  CHECK(parse_command_line({"migrate", "--help"}).value.help);
}

TEST_CASE("malformed command lines are refused with a reason", "[model]") {
  auto [args, needle] = GENERATE(table<std::vector<std::string>, std::string>({
    {{"launch"}, "unknown command 'launch'"},
    {{"serve", "--bogus"}, "unknown option --bogus"},
    {{"token", "--role"}, "--role needs a value"},
    {{"serve", "--migrate=yes"}, "--migrate takes no value"},
    {{"serve", "--config"}, "--config needs a file"},
    {{"serve", "--http.port"}, "--http.port needs a value"},
  }));
  auto r = parse_command_line(args);
  CAPTURE(args, r.error);
  CHECK(r.error.find(needle) != std::string::npos);
}
