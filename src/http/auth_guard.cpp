#include "http/auth_guard.hpp"

#include <httplib.h>

#include "common/errc.hpp"
#include "http/error_response.hpp"

namespace khaacho::http {

std::optional<auth::principal> authenticate(const httplib::Request& req, httplib::Response& res,
                                            const auth::token_verifier& verifier) {
  if (req.get_header_value_count("Authorization") > 1) {
    res.set_header("WWW-Authenticate", "Bearer");
    send_error(res, 401, "unauthorized", "more than one Authorization header");
    return std::nullopt;
  }
  auto who = verifier.verify_header(req.get_header_value("Authorization"),
                                    std::chrono::system_clock::now());
  if (!who) {
    res.set_header("WWW-Authenticate", "Bearer");
    std::string reason = "invalid bearer token";
    const auto& ctx = who.error().context();
    if (ctx.match_elements<std::string>())
      reason = ctx.get_as<std::string>(0);
    send_error(res, 401, "unauthorized", reason);
    return std::nullopt;
  }
  return std::move(*who);
}

}  // namespace khaacho::http
