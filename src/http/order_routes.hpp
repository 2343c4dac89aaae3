// API.md's order routes: POST /api/orders/upload-image,
// GET /api/orders/uploads/{id}, GET /api/orders/uploads. Routing, parsing and
// validation only; the work is done by the services.
#pragma once

#include <atomic>

#include "adapters/auth/token_verifier.hpp"
#include "http/upload_body.hpp"
#include "services/backlog_gate.hpp"
#include "services/order_queries.hpp"
#include "services/rate_limiter.hpp"
#include "services/upload_service.hpp"

namespace httplib {
class Server;
}

namespace khaacho::http {

struct order_routes_deps {
  const auth::token_verifier* verifier = nullptr;
  const services::upload_service* uploads = nullptr;
  const services::order_queries* queries = nullptr;
  services::rate_limiter* limiter = nullptr;
  services::inflight_gate* uploads_in_flight = nullptr;
  services::backlog_gate* backlog = nullptr;
  upload_limits limits;
  /// Set when a graceful stop cut the connections still open (http_server::
  /// cut_off()): an upload whose body it cut short is answered 503, not 400.
  const std::atomic<bool>* cut_off = nullptr;
};

/// Registers the routes; `deps` must outlive the server.
void add_order_routes(httplib::Server& server, order_routes_deps deps);

}  // namespace khaacho::http
