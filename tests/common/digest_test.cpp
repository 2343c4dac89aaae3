// URL-safe base64 as JWTs and random tokens use it.
#include <catch2/catch.hpp>

#include "common/digest.hpp"

using namespace khaacho;

TEST_CASE("base64url encodes RFC 4648 vectors without padding, with - and _", "[common]") {
  CHECK(base64url("") == "");
  CHECK(base64url("f") == "Zg");
  CHECK(base64url("fo") == "Zm8");
  CHECK(base64url("foo") == "Zm9v");
  CHECK(base64url("foobar") == "Zm9vYmFy");
  CHECK(base64url("\xfb\xff") == "-_8");
  auto token = random_token(32);
  CHECK(token.size() == 43);
  CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        == std::string::npos);
}
