// HMAC-SHA256 (OpenSSL), for webhook signatures.
#pragma once

#include <string>
#include <string_view>

namespace khaacho {

/// Lower-case hex HMAC-SHA256 of `data` under `key` (RFC 2104; any key length).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

/// Compares two strings in time independent of where they differ (for
/// checking signatures; differing lengths return false at once).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace khaacho
