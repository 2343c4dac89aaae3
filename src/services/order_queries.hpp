// Reading orders for the API: the status document and the paged list. Each
// answer is one SQL statement that assembles the JSON inside PostgreSQL, so
// an order with many items costs the same round trips as one with none.
// BLOCKING: call from HTTP handler threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "actors/db_call.hpp"
#include "model/order_paging.hpp"

namespace khaacho::services {

/// Whose orders a caller may see: one retailer's, or (operators, admins) all.
struct order_scope {
  std::optional<std::string> retailer_id;  ///< lower-case UUID; nullopt = every retailer
};

struct order_page_request {
  order_scope scope;
  std::optional<std::string> status;         ///< a valid order status, or any
  std::optional<model::order_cursor> after;  ///< from the previous page
  int limit = 20;                            ///< 1..100
};

struct order_page {
  std::vector<std::string> items;  ///< one JSON object per order, newest first
  std::optional<model::order_cursor> next;
};

class order_queries {
public:
  explicit order_queries(db_client db) : db_(std::move(db)) {
  }

  /// The API.md status document of `order_id`, or errc::not_found when it
  /// does not exist or lies outside `scope` (callers cannot tell the two
  /// apart, so ids cannot be probed). Precondition: order_id is a UUID.
  caf::expected<std::string> status_document(const std::string& order_id,
                                             const order_scope& scope) const;

  caf::expected<order_page> list(const order_page_request& req) const;

private:
  db_client db_;
};

}  // namespace khaacho::services
