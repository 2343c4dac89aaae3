// POST /api/orders/uploads/{id}/review (API.md "Review") and
// GET /api/products (catalog search for review forms). Routing, parsing and
// validation only.
#pragma once

#include "adapters/auth/token_verifier.hpp"
#include "services/catalog_holder.hpp"
#include "services/review_service.hpp"

namespace httplib {
class Server;
}

namespace khaacho::http {

struct review_routes_deps {
  const auth::token_verifier* verifier = nullptr;
  const services::review_service* reviews = nullptr;
  const services::catalog_holder* catalog = nullptr;
};

/// Registers the routes; `deps` must outlive the server.
void add_review_routes(httplib::Server& server, review_routes_deps deps);

/// A review body's items, or the message of a 400 naming what is wrong.
struct parsed_review {
  std::vector<services::reviewed_item> items;
  std::string error;
};
parsed_review parse_review_body(const std::string& body);

/// Items one review may list.
inline constexpr size_t max_review_items = 200;
/// Largest review body read.
inline constexpr size_t max_review_body_bytes = 256 * 1024;

}  // namespace khaacho::http
