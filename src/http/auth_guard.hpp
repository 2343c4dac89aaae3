// Bearer-token authentication for API routes.
#pragma once

#include <optional>

#include "adapters/auth/token_verifier.hpp"

namespace httplib {
struct Request;
struct Response;
}

namespace khaacho::http {

/// The caller of `req`, or nullopt after answering 401 `unauthorized`
/// (with `WWW-Authenticate: Bearer`).
std::optional<auth::principal> authenticate(const httplib::Request& req, httplib::Response& res,
                                            const auth::token_verifier& verifier);

}  // namespace khaacho::http
