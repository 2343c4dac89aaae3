// Database reads behind the admin API: one order's pipeline history, an
// order's state after an operator action, and the numbers of the operator
// page. Each is one SQL statement that builds its JSON inside PostgreSQL.
// BLOCKING: call from HTTP handler threads.
#pragma once

#include <string>

#include <caf/expected.hpp>

#include "actors/db_call.hpp"

namespace khaacho::services {

struct order_history {
  std::string order;        ///< JSON object: status, stage, lease, times, failure reason
  std::string attempts;     ///< JSON array: every stage attempt with duration and error
  std::string checkpoints;  ///< JSON array: stages with a stored output
};

class admin_queries {
public:
  explicit admin_queries(db_client db) : db_(std::move(db)) {
  }

  /// Errors: errc::not_found, or the pool's. Precondition: order_id is a UUID.
  caf::expected<order_history> history(const std::string& order_id) const;

  /// The order's state as a JSON object (id, status, currentStage,
  /// failureReason, ownerNode, nextAttemptAt, updatedAt).
  /// Errors: errc::not_found, or the pool's. Precondition: order_id is a UUID.
  caf::expected<std::string> state(const std::string& order_id) const;

  /// Orders by status (all and created in the last hour), orders finished in
  /// the last hour by status with the failure rate, and the latest failures
  /// with their reasons (`recent_failures` of them), as a JSON object.
  caf::expected<std::string> summary(int recent_failures) const;

private:
  db_client db_;
};

}  // namespace khaacho::services
