// Mints HS256 bearer tokens with the claims of API.md (sub, role, retailerId,
// iat, exp). Used by `khaacho token` and by tests; verification lives with
// the HTTP auth layer.
#pragma once

#include <chrono>
#include <string>

#include <caf/expected.hpp>

namespace khaacho::auth {

struct token_claims {
  std::string subject;      ///< `sub`
  std::string role;         ///< retailer | operator | admin
  std::string retailer_id;  ///< `retailerId`; required for role retailer
  std::chrono::seconds ttl{3600};
};

/// Signs `claims` with `secret`, issued at `now`.
/// Errors: errc::bad_input (unknown role, retailer without a UUID retailer id,
/// non-positive ttl, empty secret).
caf::expected<std::string> sign_token(const token_claims& claims, const std::string& secret,
                                      std::chrono::system_clock::time_point now);

}  // namespace khaacho::auth
