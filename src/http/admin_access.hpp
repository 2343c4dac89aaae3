// Who may use the admin API: any signed-in operator or admin reads, only an
// admin writes (API.md "Authentication").
#pragma once

#include <optional>

#include "adapters/auth/token_verifier.hpp"

namespace httplib {
struct Request;
struct Response;
}

namespace khaacho::http {

enum class admin_need { read, write };

/// True when `who` may do what `need` names.
bool admin_allowed(const auth::principal& who, admin_need need);

/// Answers 403 `forbidden` naming the role `need` asks for.
void refuse_admin(httplib::Response& res, admin_need need);

/// The caller when signed in with a role that may `need`; else answers 401
/// or 403 and returns nullopt.
std::optional<auth::principal> admin_caller(const httplib::Request& req, httplib::Response& res,
                                            const auth::token_verifier& verifier, admin_need need);

}  // namespace khaacho::http
