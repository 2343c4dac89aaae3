// HMAC-SHA256 against RFC 4231's test vectors, and the webhook signature
// header built on it.
#include <catch2/catch.hpp>

#include "adapters/webhook/webhook_signature.hpp"
#include "common/hmac.hpp"

using namespace khaacho;

TEST_CASE("HMAC-SHA256 matches the RFC 4231 test vectors", "[common][webhooks]") {
  auto [key, data, mac] = GENERATE(table<std::string, std::string, std::string>({
    // Test case 1
    {std::string(20, '\x0b'), "Hi There",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
    // Test case 2: a key shorter than the hash
    {"Jefe", "what do ya want for nothing?",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
    // Test case 3: 0xaa key, 0xdd data
    {std::string(20, '\xaa'), std::string(50, '\xdd'),
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
    // Test case 6: a key longer than the block size
    {std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
    // Test case 7: long key and long data
    {std::string(131, '\xaa'),
     "This is a test using a larger than block-size key and a larger than block-size data. The"
     " key needs to be hashed before being used by the HMAC algorithm.",
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  }));
  CHECK(hmac_sha256_hex(key, data) == mac);
}

TEST_CASE("a webhook signature is v1= and the HMAC of timestamp.body", "[common][webhooks]") {
  const std::string body = R"({"event":"order.status_changed"})";
  auto header = webhook::sign("whsec_test", 1700000000, body);
  CHECK(header == "v1=" + hmac_sha256_hex("whsec_test", "1700000000." + body));
  CHECK(webhook::verify("whsec_test", "1700000000", body, header));
  CHECK_FALSE(webhook::verify("whsec_other", "1700000000", body, header));
  CHECK_FALSE(webhook::verify("whsec_test", "1700000001", body, header));
  CHECK_FALSE(webhook::verify("whsec_test", "1700000000", body + " ", header));
  CHECK_FALSE(webhook::verify("whsec_test", "1700000000", body, header.substr(3)));
}

TEST_CASE("constant-time comparison compares", "[common]") {
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
  CHECK(constant_time_equal("", ""));
}
