// Hand-made JWTs for tests that attack the verifier: any header, any claims,
// signed with any HMAC digest and key (or not at all).
#pragma once

#include <string>
#include <string_view>

#include <openssl/evp.h>

namespace khaacho::test {

/// HMAC of `data` under `key` with digest `md` (raw bytes).
std::string hmac_raw(const EVP_MD* md, std::string_view key, std::string_view data);

/// base64url(header).base64url(payload).base64url(HMAC-`md` of the two).
std::string sign_token(std::string_view header_json, std::string_view payload_json,
                       std::string_view key, const EVP_MD* md = EVP_sha256());

}  // namespace khaacho::test
