// Bearer token verification: tokens from sign_token pass; hand-made tokens
// with the wrong algorithm, signature, shape, times or claims are refused
// as unauthorized without echoing the token or the secret.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include <openssl/evp.h>

#include "adapters/auth/token_signer.hpp"
#include "adapters/auth/token_verifier.hpp"
#include "common/digest.hpp"
#include "support/error_checks.hpp"
#include "support/forged_tokens.hpp"

using namespace khaacho;
using namespace khaacho::auth;
using namespace std::chrono_literals;

namespace {

const std::string secret = "test-secret-that-is-long-enough-0123456789";
const std::string retailer_uuid = "9b2f7c1e-0d4a-4c6e-8f3b-2a1d5e6f7a8b";
const auto now = std::chrono::system_clock::time_point{std::chrono::seconds{1'700'000'000}};
constexpr long now_s = 1'700'000'000;

std::string make_token(std::string_view header_json, std::string_view payload_json,
                       std::string_view key = secret, const EVP_MD* md = EVP_sha256()) {
  return test::sign_token(header_json, payload_json, key, md);
}

const std::string hs256 = R"({"alg":"HS256","typ":"JWT"})";

std::string claims(std::string_view extra) {
  return R"({"sub":"user-1","role":"operator","iat":)" + std::to_string(now_s - 10) +
         R"(,"exp":)" + std::to_string(now_s + 3600) + std::string{extra} + "}";
}

std::string retailer_claims(std::string_view retailer_id) {
  return R"({"sub":"shop-7","role":"retailer","retailerId":")" + std::string{retailer_id} + R"(","exp":)" +
         std::to_string(now_s + 60) + "}";
}

caf::error refusal(const caf::expected<principal>& result) {
  REQUIRE_FALSE(result);
  return result.error();
}

void check_refused(const caf::expected<principal>& result, const std::string& token,
                   const std::string& reason) {
  auto err = refusal(result);
  CHECK(test::has_code(err, errc::unauthorized));
  auto text = describe(err);
  CHECK(text == "unauthorized: " + reason);
  CHECK(text.find(secret) == std::string::npos);
  if (token.size() > 8)
    CHECK(text.find(token) == std::string::npos);
}

}  // namespace

TEST_CASE("token: signed tokens verify to their principal", "[auth]") {
  token_verifier verifier{secret};
  SECTION("retailer, with its id lower-cased") {
    token_claims c{"shop-7", "retailer", "9B2F7C1E-0D4A-4C6E-8F3B-2A1D5E6F7A8B", 3600s};
    auto token = sign_token(c, secret, now);
    REQUIRE(token);
    auto who = verifier.verify(*token, now);
    REQUIRE(who);
    CHECK(who->subject == "shop-7");
    CHECK(who->role == role::retailer);
    CHECK(who->retailer_id == retailer_uuid);
    auto via_header = verifier.verify_header("Bearer " + *token, now + 3599s);
    REQUIRE(via_header);
    CHECK(via_header->retailer_id == retailer_uuid);
  }
  SECTION("operator without a retailer id") {
    auto token = sign_token({"ops", "operator", "", 60s}, secret, now);
    REQUIRE(token);
    auto who = verifier.verify(*token, now);
    REQUIRE(who);
    CHECK(who->role == role::operator_);
    CHECK(who->subject == "ops");
    CHECK(who->retailer_id.empty());
  }
  SECTION("admin with a retailer id keeps none") {
    auto token = sign_token({"root", "admin", retailer_uuid, 60s}, secret, now);
    REQUIRE(token);
    auto who = verifier.verify(*token, now);
    REQUIRE(who);
    CHECK(who->role == role::admin);
    CHECK(who->retailer_id.empty());
  }
  SECTION("hand-made token with unknown extra claims") {
    auto who = verifier.verify(make_token(hs256, claims(R"(,"iss":"x","nested":{"a":[1,2]})")), now);
    REQUIRE(who);
    CHECK(who->subject == "user-1");
  }
  SECTION("header without typ") {
    CHECK(verifier.verify(make_token(R"({"alg":"HS256"})", claims("")), now));
  }
}

TEST_CASE("token: roles have names", "[auth]") {
  CHECK(to_string(role::retailer) == "retailer");
  CHECK(to_string(role::operator_) == "operator");
  CHECK(to_string(role::admin) == "admin");
}

TEST_CASE("token: other algorithms are refused", "[auth]") {
  token_verifier verifier{secret};
  auto payload = claims("");
  auto unsigned_input = base64url(R"({"alg":"none","typ":"JWT"})") + "." + base64url(payload);
  auto [name, token] = GENERATE_COPY(table<std::string, std::string>({
    {"alg none, empty signature", unsigned_input + "."},
    {"alg none, HS256 signature", unsigned_input + "." + base64url(test::hmac_raw(EVP_sha256(), secret, unsigned_input))},
    {"alg None", make_token(R"({"alg":"None"})", payload)},
    {"alg hs256 in lower case", make_token(R"({"alg":"hs256"})", payload)},
    {"HS512 signed with the secret", make_token(R"({"alg":"HS512","typ":"JWT"})", payload, secret, EVP_sha512())},
    {"HS384", make_token(R"({"alg":"HS384"})", payload, secret, EVP_sha384())},
    {"RS256 header", make_token(R"({"alg":"RS256","typ":"JWT"})", payload)},
    {"no alg", make_token(R"({"typ":"JWT"})", payload)},
    {"alg not a string", make_token(R"({"alg":256})", payload)},
    {"alg twice, HS256 first", make_token(R"({"alg":"HS256","alg":"none"})", payload)},
    {"alg twice, HS256 last", make_token(R"({"alg":"none","alg":"HS256"})", payload)},
  }));
  CAPTURE(name);
  check_refused(verifier.verify(token, now), token, "unsupported token algorithm");
}

TEST_CASE("token: bad signatures are refused", "[auth]") {
  token_verifier verifier{secret};
  auto good = make_token(hs256, claims(""));
  REQUIRE(verifier.verify(good, now));
  SECTION("wrong secret") {
    auto token = make_token(hs256, claims(""), "another-secret");
    check_refused(verifier.verify(token, now), token, "invalid token signature");
    auto signed_elsewhere = sign_token({"ops", "operator", "", 60s}, "another-secret", now);
    REQUIRE(signed_elsewhere);
    check_refused(verifier.verify(*signed_elsewhere, now), *signed_elsewhere, "invalid token signature");
  }
  SECTION("one signature character changed") {
    auto token = good;
    token[token.size() - 5] = token[token.size() - 5] == 'A' ? 'B' : 'A';
    check_refused(verifier.verify(token, now), token, "invalid token signature");
  }
  SECTION("payload changed after signing") {
    auto token = good;
    auto dot = token.find('.');
    auto other = base64url(R"({"sub":"user-1","role":"admin","exp":)" + std::to_string(now_s + 3600) + "}");
    token.replace(dot + 1, token.find('.', dot + 1) - dot - 1, other);
    check_refused(verifier.verify(token, now), token, "invalid token signature");
  }
  SECTION("signature cut short or empty") {
    auto cut = good.substr(0, good.size() - 1);
    check_refused(verifier.verify(cut, now), cut, "invalid token signature");
    auto empty = good.substr(0, good.rfind('.') + 1);
    check_refused(verifier.verify(empty, now), empty, "invalid token signature");
  }
  SECTION("a verifier without a secret refuses everything") {
    token_verifier unconfigured{""};
    auto token = make_token(hs256, claims(""), "");
    check_refused(unconfigured.verify(token, now), token, "token verification is not configured");
  }
}

TEST_CASE("token: malformed tokens are refused", "[auth]") {
  token_verifier verifier{secret};
  auto good = make_token(hs256, claims(""));
  auto h = good.substr(0, good.find('.'));
  auto rest = good.substr(good.find('.'));
  auto [name, token, reason] = GENERATE_COPY(table<std::string, std::string, std::string>({
    {"empty", "", "missing bearer token"},
    {"one segment", h, "malformed token"},
    {"two segments", good.substr(0, good.rfind('.')), "malformed token"},
    {"four segments", good + ".AAAA", "malformed token"},
    {"empty header", rest, "malformed token"},
    {"empty payload", h + ".." + good.substr(good.rfind('.') + 1), "malformed token"},
    {"padding", h + "=" + rest, "malformed token"},
    {"plus sign", "+" + good, "malformed token"},
    {"slash", good.substr(0, 3) + "/" + good.substr(4), "malformed token"},
    {"space", h + " " + rest, "malformed token"},
    {"NUL byte", h + std::string(1, '\0') + rest, "malformed token"},
    {"lone base64 character", h + "A" + rest, "malformed token"},
    {"header not JSON", make_token("alg=HS256", claims("")), "malformed token"},
    {"header a JSON array", make_token(R"(["alg","HS256"])", claims("")), "malformed token"},
    {"header truncated JSON", make_token(R"({"alg":"HS256")", claims("")), "malformed token"},
    {"payload not JSON", make_token(hs256, "sub=user-1"), "malformed token"},
    {"payload a JSON string", make_token(hs256, R"("sub")"), "malformed token"},
    {"huge", make_token(hs256, claims(R"(,"pad":")" + std::string(8000, 'x') + "\"")), "token too long"},
  }));
  CAPTURE(name);
  check_refused(verifier.verify(token, now), token, reason);
}

TEST_CASE("token: times are checked with leeway", "[auth]") {
  token_verifier verifier{secret, 30s};
  auto with = [](std::string_view times) {
    return make_token(hs256, R"({"sub":"u","role":"admin")" + std::string{times} + "}");
  };
  auto t = [](long offset) { return std::to_string(now_s + offset); };
  SECTION("accepted") {
    auto times = GENERATE_COPY(as<std::string>{},
                               ",\"exp\":" + t(1),
                               ",\"exp\":" + t(-29),                      // expired, within leeway
                               ",\"exp\":" + t(60) + ",\"nbf\":" + t(30),  // not before, within leeway
                               ",\"exp\":" + t(60) + ",\"nbf\":" + t(-1000),
                               ",\"exp\":" + t(60) + ",\"iat\":" + t(30),
                               ",\"exp\":9223372036854775807");
    CAPTURE(times);
    CHECK(verifier.verify(with(times), now));
  }
  SECTION("refused") {
    auto [times, reason] = GENERATE_COPY(table<std::string, std::string>({
      {",\"exp\":" + t(-30), "token expired"},
      {",\"exp\":" + t(-100000), "token expired"},
      {",\"exp\":-9223372036854775808", "token expired"},
      {",\"exp\":" + t(60) + ",\"nbf\":" + t(31), "token not yet valid"},
      {",\"exp\":" + t(60) + ",\"iat\":" + t(31), "token issued in the future"},
      {"", "token has no expiry"},
      {",\"exp\":\"" + t(60) + "\"", "invalid token claims"},
      {",\"exp\":" + t(60) + ".5", "invalid token claims"},
      {",\"exp\":1e12", "invalid token claims"},
      {",\"exp\":null", "invalid token claims"},
      {",\"exp\":18446744073709551615", "invalid token claims"},
      {",\"exp\":" + t(60) + ",\"exp\":" + t(60), "invalid token claims"},
      {",\"exp\":" + t(60) + ",\"nbf\":\"soon\"", "invalid token claims"},
      {",\"exp\":" + t(60) + ",\"iat\":true", "invalid token claims"},
    }));
    CAPTURE(times);
    auto token = with(times);
    check_refused(verifier.verify(token, now), token, reason);
  }
  SECTION("without leeway") {
    token_verifier strict{secret, 0s};
    CHECK_FALSE(strict.verify(with(",\"exp\":" + t(0)), now));
    CHECK(strict.verify(with(",\"exp\":" + t(1)), now));
    CHECK_FALSE(strict.verify(with(",\"exp\":" + t(60) + ",\"nbf\":" + t(1)), now));
    CHECK(strict.verify(with(",\"exp\":" + t(60) + ",\"nbf\":" + t(0)), now));
  }
}

TEST_CASE("token: claims are checked", "[auth]") {
  token_verifier verifier{secret};
  auto exp = ",\"exp\":" + std::to_string(now_s + 60);
  auto [name, payload, reason] = GENERATE_COPY(table<std::string, std::string, std::string>({
    {"missing sub", R"({"role":"admin")" + exp + "}", "token has no subject"},
    {"empty sub", R"({"sub":"","role":"admin")" + exp + "}", "token has no subject"},
    {"sub not a string", R"({"sub":42,"role":"admin")" + exp + "}", "invalid token claims"},
    {"missing role", R"({"sub":"u")" + exp + "}", "token has no valid role"},
    {"unknown role", R"({"sub":"u","role":"superuser")" + exp + "}", "token has no valid role"},
    {"role in upper case", R"({"sub":"u","role":"ADMIN")" + exp + "}", "token has no valid role"},
    {"role not a string", R"({"sub":"u","role":["admin"])" + exp + "}", "invalid token claims"},
    {"retailer without retailerId", R"({"sub":"u","role":"retailer")" + exp + "}",
     "retailer token without a valid retailerId"},
    {"retailerId not a UUID", retailer_claims("shop-7"), "retailer token without a valid retailerId"},
    {"retailerId with braces", retailer_claims("{" + retailer_uuid + "}"), "retailer token without a valid retailerId"},
    {"retailerId empty", retailer_claims(""), "retailer token without a valid retailerId"},
    {"retailerId a number", R"({"sub":"u","role":"retailer","retailerId":7)" + exp + "}", "invalid token claims"},
  }));
  CAPTURE(name);
  auto token = make_token(hs256, payload);
  check_refused(verifier.verify(token, now), token, reason);
}

TEST_CASE("token: the Authorization header needs the Bearer scheme", "[auth]") {
  token_verifier verifier{secret};
  auto token = make_token(hs256, retailer_claims(retailer_uuid));
  SECTION("accepted spellings") {
    auto header = GENERATE_COPY(as<std::string>{}, "Bearer " + token, "bearer " + token, "BEARER " + token,
                                "Bearer    " + token, "Bearer " + token + " ");
    CAPTURE(header);
    auto who = verifier.verify_header(header, now);
    REQUIRE(who);
    CHECK(who->retailer_id == retailer_uuid);
  }
  SECTION("refused") {
    auto header = GENERATE_COPY(as<std::string>{}, "", "Bearer", "Bearer ", "Bearer   ", "Basic x",
                                "Basic dXNlcjpwYXNz", token, "Bearer" + token, "Bearer\t" + token,
                                "Token " + token, " Bearer " + token);
    CAPTURE(header);
    check_refused(verifier.verify_header(header, now), token, "missing bearer token");
  }
  SECTION("a bearer token that fails says why") {
    check_refused(verifier.verify_header("Bearer not-a-jwt", now), "not-a-jwt", "malformed token");
  }
}
