// POST/GET /api/webhooks and DELETE /api/webhooks/{id} (API.md "Webhooks").
// Routing, parsing and validation only; storage is webhook_service's.
#pragma once

#include <string>

#include "adapters/auth/token_verifier.hpp"
#include "services/webhook_service.hpp"

namespace httplib {
class Server;
}

namespace khaacho::http {

struct webhook_routes_deps {
  const auth::token_verifier* verifier = nullptr;
  const services::webhook_service* webhooks = nullptr;
  /// webhooks.allow-insecure: http and non-public addresses are accepted.
  bool allow_insecure = false;
};

/// Registers the routes; `deps` must outlive the server.
void add_webhook_routes(httplib::Server& server, webhook_routes_deps deps);

/// Largest registration body read.
inline constexpr size_t max_webhook_body_bytes = 8 * 1024;

/// A registration body: `{"url": "...", "retailerId"?: "..."}`.
struct parsed_webhook_body {
  std::string url;
  std::string retailer_id;  ///< as sent; empty when absent
  bool has_retailer_id = false;
  std::string error;        ///< a 400 invalid_request message, or empty
};
parsed_webhook_body parse_webhook_body(const std::string& body);

}  // namespace khaacho::http
