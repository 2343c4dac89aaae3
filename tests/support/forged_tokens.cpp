#include "support/forged_tokens.hpp"

#include <catch2/catch.hpp>

#include <openssl/hmac.h>

#include "common/digest.hpp"

namespace khaacho::test {

std::string hmac_raw(const EVP_MD* md, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  REQUIRE(HMAC(md, key.data(), static_cast<int>(key.size()),
               reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len)
          != nullptr);
  return std::string{reinterpret_cast<const char*>(out), len};
}

std::string sign_token(std::string_view header_json, std::string_view payload_json,
                       std::string_view key, const EVP_MD* md) {
  auto signing_input = base64url(header_json) + "." + base64url(payload_json);
  return signing_input + "." + base64url(hmac_raw(md, key, signing_input));
}

}  // namespace khaacho::test
