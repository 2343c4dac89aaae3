// Development-only retailer tokens (auth.dev-tokens): the sign-in button of
// the retailer's page. Anyone who can reach the server gets a token, so the
// issuer only ever mints role `retailer`, never operator or admin, and lives
// only as long as `ttl`. Pure CPU work, safe on any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <caf/expected.hpp>

namespace khaacho::services {

/// A minted token and what it is for.
struct dev_token {
  std::string token;        ///< the JWT; never logged
  std::string retailer_id;  ///< lower-case UUID
  std::chrono::system_clock::time_point expires_at;
};

class dev_token_issuer {
public:
  /// How long a development token lives.
  static constexpr std::chrono::seconds default_ttl{3600};

  dev_token_issuer(std::string secret, std::chrono::seconds ttl = default_ttl)
    : secret_(std::move(secret)), ttl_(ttl) {
  }

  /// A retailer token for `retailer_id` (a UUID, checked by the caller), or
  /// for a new random retailer when nullopt. Errors: errc::bad_input.
  caf::expected<dev_token> issue(const std::optional<std::string>& retailer_id,
                                 std::chrono::system_clock::time_point now) const;

  std::chrono::seconds ttl() const { return ttl_; }

private:
  std::string secret_;
  std::chrono::seconds ttl_;
};

}  // namespace khaacho::services
