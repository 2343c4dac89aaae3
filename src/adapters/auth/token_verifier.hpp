// Verifies the bearer tokens of API.md: HS256 only, `exp` required, `nbf`
// and `iat` honoured, `role` one of retailer|operator|admin, `retailerId` a
// UUID for retailers. Pure CPU work (libjwt), safe on any thread.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <caf/expected.hpp>

namespace khaacho::auth {

enum class role { retailer, operator_, admin };

/// Who a verified token speaks for.
struct principal {
  std::string subject;      ///< `sub`
  auth::role role = role::retailer;
  std::string retailer_id;  ///< lower-case UUID; set only for role retailer
};

std::string to_string(role r);

class token_verifier {
public:
  /// `leeway` tolerates clock skew on exp/nbf/iat.
  explicit token_verifier(std::string secret, std::chrono::seconds leeway = std::chrono::seconds{30});

  /// Checks an `Authorization` header value ("Bearer <jwt>"). Every failure is
  /// errc::unauthorized with a message safe to show the client (it never
  /// echoes the token or the secret): missing header, not Bearer, malformed,
  /// alg other than HS256 (alg none included), bad signature, expired, not yet
  /// valid, missing or invalid claims.
  caf::expected<principal> verify_header(std::string_view authorization,
                                         std::chrono::system_clock::time_point now) const;

  /// The same for a bare token.
  caf::expected<principal> verify(std::string_view token,
                                  std::chrono::system_clock::time_point now) const;

private:
  std::string secret_;
  std::chrono::seconds leeway_;
};

}  // namespace khaacho::auth
