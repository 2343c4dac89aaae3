// HS256 token minting with libjwt.
#include "adapters/auth/token_signer.hpp"

#include <cstdlib>
#include <memory>

#include <jwt.h>

#include "common/errc.hpp"
#include "model/uuid.hpp"

namespace khaacho::auth {

caf::expected<std::string> sign_token(const token_claims& claims, const std::string& secret,
                                      std::chrono::system_clock::time_point now) {
  if (claims.role != "retailer" && claims.role != "operator" && claims.role != "admin")
    return caf::make_error(errc::bad_input, "role must be retailer, operator or admin");
  if (claims.role == "retailer" && !model::is_uuid(claims.retailer_id))
    return caf::make_error(errc::bad_input, "a retailer token needs --retailer <UUID>");
  if (!claims.retailer_id.empty() && !model::is_uuid(claims.retailer_id))
    return caf::make_error(errc::bad_input, "retailer id must be a UUID");
  if (claims.ttl.count() <= 0)
    return caf::make_error(errc::bad_input, "ttl must be positive");
  if (secret.empty())
    return caf::make_error(errc::bad_input, "JWT secret is empty");
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0)
    return caf::make_error(errc::internal, "jwt_new failed");
  std::unique_ptr<jwt_t, decltype(&jwt_free)> token{raw, &jwt_free};
  auto iat = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  auto subject = claims.subject.empty() ? claims.role + "-cli" : claims.subject;
  int rc = jwt_add_grant(token.get(), "sub", subject.c_str());
  rc |= jwt_add_grant(token.get(), "role", claims.role.c_str());
  if (!claims.retailer_id.empty())
    rc |= jwt_add_grant(token.get(), "retailerId", claims.retailer_id.c_str());
  rc |= jwt_add_grant_int(token.get(), "iat", static_cast<long>(iat));
  rc |= jwt_add_grant_int(token.get(), "exp", static_cast<long>(iat + claims.ttl.count()));
  rc |= jwt_set_alg(token.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret.data()),
                    static_cast<int>(secret.size()));
  if (rc != 0)
    return caf::make_error(errc::internal, "cannot build token");
  char* encoded = jwt_encode_str(token.get());
  if (encoded == nullptr)
    return caf::make_error(errc::internal, "cannot encode token");
  std::string out{encoded};
  std::free(encoded);  // libjwt 1.10 allocates with malloc
  return out;
}

}  // namespace khaacho::auth
