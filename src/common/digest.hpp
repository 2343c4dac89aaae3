// Hashes and random identifiers (OpenSSL).
#pragma once

#include <string>
#include <string_view>

namespace khaacho {

/// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

/// A random (version 4) UUID in canonical lower-case form, from the CSPRNG:
/// order ids are chosen before the row exists, so the image key can carry it.
std::string random_uuid();

/// URL-safe base64 of `data` without padding (RFC 4648 §5), as JWTs use it.
std::string base64url(std::string_view data);

/// `n` random bytes, URL-safe base64 without padding (secrets, request ids).
std::string random_token(size_t n);

}  // namespace khaacho
