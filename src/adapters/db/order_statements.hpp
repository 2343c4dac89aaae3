// The statements the order pipeline sends. Pure builders (no I/O): each
// returns a parameterized pg_statement. Every write of a supervisor is
// fenced by the order's lease_epoch, so a node that lost its lease cannot
// overwrite the new owner's work; each returns a row count (0 = fenced out).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "adapters/db/pg_result.hpp"

namespace khaacho::db {

/// Claims up to `limit` PROCESSING orders without a live lease, oldest first
/// (FOR UPDATE SKIP LOCKED), bumping their lease_epoch. Rows: id,
/// retailer_id, lease_epoch, round_started_ms, wait_ms, checkpoints (JSON
/// object stage → output), attempts (JSON object stage → [max attempt no,
/// attempts this round]), trace_id (W3C trace id of the upload, or NULL).
/// `unowned_min_age` > 0 (cluster mode) skips unowned orders younger than
/// that (counted from upload, or from the retry or review that resumed
/// them): the stream distributes those, this claim rescues orphans.
pg_statement claim_orders(const std::string& node, std::chrono::seconds lease, int64_t limit,
                          std::chrono::milliseconds unowned_min_age = std::chrono::milliseconds{0});

/// Claims those of `order_ids` that are PROCESSING and unowned or whose
/// lease expired (cluster mode: the orders of stream entries). Rows as
/// claim_orders; an order another node holds is simply absent.
pg_statement claim_orders_by_id(const std::string& node, std::chrono::seconds lease,
                                const std::vector<std::string>& order_ids);

/// The order's trace id (column trace_id, NULL for none). Row: trace_id.
pg_statement order_trace_id(const std::string& order_id);

/// Forgets this node's leases from an earlier run (a node id is unique).
pg_statement release_node_leases(const std::string& node);

/// Renews the leases of `order_ids` held by `node`.
pg_statement renew_leases(const std::string& node, const std::vector<std::string>& order_ids,
                          std::chrono::seconds lease);

/// A successful attempt: its attempt row and its checkpoint, fenced.
pg_statement record_checkpoint(const std::string& order_id, int64_t epoch, const std::string& stage,
                               int32_t attempt, int64_t started_ms, const std::string& output,
                               const std::string& node, std::chrono::seconds lease);

/// A failed attempt and when the next one may start, fenced.
pg_statement record_failed_attempt(const std::string& order_id, int64_t epoch,
                                   const std::string& stage, int32_t attempt, int64_t started_ms,
                                   const std::string& outcome, const std::string& error,
                                   const std::string& node, std::chrono::milliseconds next_wait);

/// Ends the order (COMPLETED, PENDING_REVIEW or FAILED) and drops its lease, fenced.
pg_statement finish_order(const std::string& order_id, int64_t epoch, const std::string& status,
                          const std::string& reason);

/// Operator actions; each returns the order's id when it applied.
pg_statement retry_failed_order(const std::string& order_id);
pg_statement cancel_processing_order(const std::string& order_id);
pg_statement run_order_now(const std::string& order_id);

}  // namespace khaacho::db
