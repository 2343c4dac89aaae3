#include "services/dev_tokens.hpp"

#include "adapters/auth/token_signer.hpp"
#include "common/digest.hpp"

namespace khaacho::services {

caf::expected<dev_token> dev_token_issuer::issue(const std::optional<std::string>& retailer_id,
                                                 std::chrono::system_clock::time_point now) const {
  auth::token_claims claims;
  claims.role = "retailer";
  claims.retailer_id = retailer_id ? *retailer_id : random_uuid();
  claims.subject = "dev:" + claims.retailer_id;
  claims.ttl = ttl_;
  auto token = auth::sign_token(claims, secret_, now);
  if (!token)
    return token.error();
  return dev_token{std::move(*token), claims.retailer_id, now + ttl_};
}

}  // namespace khaacho::services
