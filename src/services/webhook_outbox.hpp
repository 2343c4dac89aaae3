// The webhook_deliveries outbox as the sender sees it: claim due rows, then
// record each attempt's outcome. The rows are written by the database itself
// (a trigger on every order status change, migrations/0004_webhooks.sql).
// BLOCKING: call from the detached sender.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "actors/db_call.hpp"

namespace khaacho::services {

/// A claimed delivery with what its POST needs.
struct claimed_delivery {
  std::string id;          ///< the delivery id, also the receiver's dedupe key
  std::string webhook_id;
  std::string url;
  std::string secret;
  std::string order_id;
  std::string status;       ///< the order's new status
  std::string occurred_at;  ///< RFC 3339 UTC, as every time of the API
  int32_t attempts = 0;     ///< including this one
};

/// The JSON body of API.md, identical on every attempt of a delivery.
std::string delivery_body(const claimed_delivery& d);

/// Claims up to `limit` due PENDING rows for `claimer` for `claim_for`:
/// FOR UPDATE SKIP LOCKED, so concurrent senders (other nodes) never take
/// the same row; a claim that expired (its sender died) is taken over. Only
/// the oldest open delivery of each (webhook, order) is due, so one order's
/// events reach a webhook in the order they happened.
caf::expected<std::vector<claimed_delivery>> claim_deliveries(const db_client& db,
                                                              const std::string& claimer,
                                                              std::chrono::milliseconds claim_for,
                                                              int64_t limit);

/// What one attempt changed.
struct delivery_record {
  std::string status;  ///< SENT | FAILED | PENDING
  std::optional<int64_t> response_status;
  std::optional<std::string> error;
  std::chrono::milliseconds retry_in{0};  ///< for PENDING
};

/// Writes the outcome and releases the claim; does nothing (false) when the
/// row is no longer claimed by `claimer` (the claim expired and another
/// sender took it, or the webhook was deleted).
caf::expected<bool> record_delivery(const db_client& db, const std::string& id,
                                    const std::string& claimer, const delivery_record& r);

/// Gives a claimed row back unsent: its attempt is not counted.
caf::expected<bool> release_delivery(const db_client& db, const std::string& id,
                                     const std::string& claimer);

}  // namespace khaacho::services
