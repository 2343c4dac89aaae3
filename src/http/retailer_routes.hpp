// What the retailer's page needs beyond API.md: the page itself (GET /), the
// order's photo (GET /api/orders/uploads/{id}/image, the owner or an
// operator) and the development-only token routes (GET /api/dev/status,
// POST /api/dev/token; 404 unless auth.dev-tokens). Routing and validation
// only; the work is done by the services.
#pragma once

#include "adapters/auth/token_verifier.hpp"
#include "services/dev_tokens.hpp"
#include "services/order_images.hpp"

namespace httplib {
class Server;
}

namespace khaacho::http {

struct retailer_routes_deps {
  const auth::token_verifier* verifier = nullptr;
  const services::order_images* images = nullptr;
  /// nullptr: development tokens are off and the /api/dev routes answer 404.
  const services::dev_token_issuer* dev_tokens = nullptr;
};

/// Registers the routes; `deps` must outlive the server.
void add_retailer_routes(httplib::Server& server, retailer_routes_deps deps);

}  // namespace khaacho::http
