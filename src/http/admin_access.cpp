#include "http/admin_access.hpp"

#include <httplib.h>

#include "http/auth_guard.hpp"
#include "http/error_response.hpp"

namespace khaacho::http {

bool admin_allowed(const auth::principal& who, admin_need need) {
  if (need == admin_need::write)
    return who.role == auth::role::admin;
  return who.role == auth::role::admin || who.role == auth::role::operator_;
}

void refuse_admin(httplib::Response& res, admin_need need) {
  send_error(res, 403, "forbidden",
             need == admin_need::write ? "admin actions need role admin"
                                       : "the admin API needs role operator or admin");
}

std::optional<auth::principal> admin_caller(const httplib::Request& req, httplib::Response& res,
                                            const auth::token_verifier& verifier, admin_need need) {
  auto who = authenticate(req, res, verifier);
  if (!who)
    return std::nullopt;
  if (!admin_allowed(*who, need)) {
    refuse_admin(res, need);
    return std::nullopt;
  }
  return who;
}

}  // namespace khaacho::http
