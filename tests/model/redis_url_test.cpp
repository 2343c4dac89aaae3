#include <catch2/catch.hpp>

#include "model/redis_url.hpp"

using namespace khaacho::model;

TEST_CASE("REDIS_URL forms parse into host, port, credentials and database", "[model]") {
  auto plain = parse_redis_url("redis://127.0.0.1:6390");
  REQUIRE(plain);
  CHECK(plain->host == "127.0.0.1");
  CHECK(plain->port == 6390);
  CHECK(plain->password.empty());
  CHECK(plain->database == 0);

  auto full = parse_redis_url("redis://app:p%40ss:w@cache.internal/3");
  REQUIRE(full);
  CHECK(full->user == "app");
  CHECK(full->password == "p@ss:w");
  CHECK(full->host == "cache.internal");
  CHECK(full->port == 6379);
  CHECK(full->database == 3);

  auto pass_only = parse_redis_url("redis://secret@host:7000");
  REQUIRE(pass_only);
  CHECK(pass_only->user.empty());
  CHECK(pass_only->password == "secret");

  auto v6 = parse_redis_url("redis://[::1]:6380");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 6380);
}

TEST_CASE("malformed REDIS_URLs are refused with a reason", "[model]") {
  auto bad = GENERATE(as<std::string>{}, "http://host", "redis://", "redis://host:0",
                      "redis://host:99999", "redis://host:x", "redis://host/db", "redis://[::1");
  CAPTURE(bad);
  std::string why;
  CHECK_FALSE(parse_redis_url(bad, &why));
  CHECK_FALSE(why.empty());
}

TEST_CASE("a REDIS_URL's password never survives redaction", "[model]") {
  CHECK(redact_redis_url("redis://app:hunter2@host:6379/0") == "redis://app:***@host:6379/0");
  CHECK(redact_redis_url("redis://hunter2@host") == "redis://***@host");
  CHECK(redact_redis_url("redis://host:6379") == "redis://host:6379");
}
