// The review loop (API.md "Review"): a person replaces a PENDING_REVIEW
// order's items with catalog products and amounts, and the order resumes at
// supplier ranking. RFQs already written stay; the rfq stage only asks each
// wholesaler for what earlier RFQs did not. BLOCKING: call from HTTP threads.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "actors/db_call.hpp"
#include "services/order_queries.hpp"

namespace khaacho::services {

struct reviewed_item {
  std::string product_id;  ///< lower-case UUID
  double quantity = 0;     ///< positive, finite
  std::string unit;        ///< canonical unit, or "" for the product's own
};

struct review_request {
  std::string order_id;  ///< lower-case UUID
  order_scope scope;     ///< a retailer reviews only its own orders
  std::string reviewer;  ///< the token's subject, kept on the order
  std::vector<reviewed_item> items;
};

enum class review_outcome {
  resumed,    ///< items replaced, order PROCESSING again
  not_found,  ///< no such order in the caller's scope
  conflict,   ///< the order is not PENDING_REVIEW
  invalid,    ///< an item names no product or an amount the product cannot be sold in
};

struct review_answer {
  review_outcome outcome = review_outcome::invalid;
  std::string message;  ///< for conflict and invalid: what is wrong, naming the item
};

class review_service {
public:
  /// `on_resumed` is told the order id after the commit (the registry claims it).
  review_service(db_client db, std::function<void(const std::string&)> on_resumed)
    : db_(std::move(db)), on_resumed_(std::move(on_resumed)) {
  }

  caf::expected<review_answer> submit(const review_request& req) const;

private:
  db_client db_;
  std::function<void(const std::string&)> on_resumed_;
};

}  // namespace khaacho::services
