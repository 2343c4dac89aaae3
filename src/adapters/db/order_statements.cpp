#include "adapters/db/order_statements.hpp"

#include "adapters/db/pg_array_literal.hpp"

namespace khaacho::db {

namespace {

/// What a claim answers for each order it took (see claim_orders).
constexpr const char* claim_returning = R"SQL(
RETURNING o.id::text AS id, o.retailer_id::text AS retailer_id, o.lease_epoch, o.trace_id,
  (extract(epoch FROM COALESCE(o.attempts_reset_at, o.created_at)) * 1000)::bigint AS round_started_ms,
  GREATEST(0, (extract(epoch FROM (o.next_attempt_at - now())) * 1000)::bigint) AS wait_ms,
  (SELECT COALESCE(json_object_agg(k.stage, k.output), '{}')::text
     FROM order_stage_checkpoints k WHERE k.order_id = o.id) AS checkpoints,
  (SELECT COALESCE(json_object_agg(a.stage, json_build_array(a.m, a.n)), '{}')::text
     FROM (SELECT stage, max(attempt) AS m,
                  -- Attempts cut short by an unreachable database do not count
                  -- (order_supervisor: an outage is not the order's fault).
                  count(*) FILTER (WHERE (o.attempts_reset_at IS NULL
                                          OR started_at >= o.attempts_reset_at)
                                     AND NOT (outcome = 'failed_transient'
                                              AND error LIKE 'db\_unavailable%')) AS n
           FROM order_stage_attempts WHERE order_id = o.id GROUP BY stage) a) AS attempts
)SQL";

}  // namespace

pg_statement claim_orders(const std::string& node, std::chrono::seconds lease, int64_t limit,
                          std::chrono::milliseconds unowned_min_age) {
  // An unowned order younger than $4 ms is left alone: in cluster mode the
  // stream hands it to some node, and this claim only rescues orphans.
  return {std::string{R"SQL(
WITH busy AS (
  -- What each retailer already has in flight, on any node.
  SELECT retailer_id, count(*) AS n FROM uploaded_orders
  WHERE status = 'PROCESSING' AND owner_node IS NOT NULL AND lease_expires_at >= now()
  GROUP BY retailer_id),
fair AS (
  -- Round-robin across retailers, oldest first within one: a retailer's
  -- turn counts its orders in flight, so one retailer's batch of 500 photos
  -- cannot hold back another's single order. (Without them, the batch always
  -- had a first-turn order older than the single one, and claims of one free
  -- slot at a time served the batch first until it ran out.)
  SELECT id, turn, created_at FROM (
    SELECT w.id, w.created_at,
           row_number() OVER (PARTITION BY w.retailer_id ORDER BY w.created_at)
             + COALESCE(b.n, 0) AS turn
    FROM uploaded_orders w LEFT JOIN busy b ON b.retailer_id = w.retailer_id
    WHERE w.status = 'PROCESSING'
      AND ((w.owner_node IS NULL AND ($4::bigint = 0 OR COALESCE(w.attempts_reset_at, w.created_at)
                                      < now() - make_interval(secs => ($4::bigint / 1000.0)::float8)))
           OR w.lease_expires_at < now())) r
  ORDER BY turn, created_at
  LIMIT $3::int * 2),
c AS (
  -- In the fair order too: a LIMIT without it took whichever rows the plan
  -- met first, often the batch's.
  SELECT u.id FROM uploaded_orders u JOIN fair f ON f.id = u.id
  WHERE u.status = 'PROCESSING' AND (u.owner_node IS NULL OR u.lease_expires_at < now())
  ORDER BY f.turn, f.created_at
  LIMIT $3::int
  FOR UPDATE OF u SKIP LOCKED)
UPDATE uploaded_orders o
SET owner_node = $1, lease_expires_at = now() + make_interval(secs => $2::int),
    lease_epoch = o.lease_epoch + 1
FROM c WHERE o.id = c.id)SQL"} + claim_returning,
          pg_params(node, static_cast<int64_t>(lease.count()), limit,
                    static_cast<int64_t>(unowned_min_age.count()))};
}

pg_statement claim_orders_by_id(const std::string& node, std::chrono::seconds lease,
                                const std::vector<std::string>& order_ids) {
  pg_array_literal ids;
  for (const auto& id : order_ids)
    ids.add(id);
  return {std::string{R"SQL(
WITH c AS (
  SELECT id FROM uploaded_orders
  WHERE id = ANY($3::uuid[])
    AND status = 'PROCESSING' AND (owner_node IS NULL OR lease_expires_at < now())
  FOR UPDATE SKIP LOCKED)
UPDATE uploaded_orders o
SET owner_node = $1, lease_expires_at = now() + make_interval(secs => $2::int),
    lease_epoch = o.lease_epoch + 1
FROM c WHERE o.id = c.id)SQL"} + claim_returning,
          pg_params(node, static_cast<int64_t>(lease.count()), ids.release())};
}

pg_statement order_trace_id(const std::string& order_id) {
  return {"SELECT trace_id FROM uploaded_orders WHERE id = $1::uuid", pg_params(order_id)};
}

pg_statement release_node_leases(const std::string& node) {
  return {"UPDATE uploaded_orders SET owner_node = NULL, lease_expires_at = NULL"
          " WHERE owner_node = $1 AND status = 'PROCESSING'",
          pg_params(node)};
}

pg_statement renew_leases(const std::string& node, const std::vector<std::string>& order_ids,
                          std::chrono::seconds lease) {
  pg_array_literal ids;
  for (const auto& id : order_ids)
    ids.add(id);
  return {"UPDATE uploaded_orders SET lease_expires_at = now() + make_interval(secs => $3::int)"
          " WHERE owner_node = $1 AND id = ANY($2::uuid[]) AND status = 'PROCESSING'",
          pg_params(node, ids.release(), static_cast<int64_t>(lease.count()))};
}

pg_statement record_checkpoint(const std::string& order_id, int64_t epoch, const std::string& stage,
                               int32_t attempt, int64_t started_ms, const std::string& output,
                               const std::string& node, std::chrono::seconds lease) {
  return {R"SQL(
WITH fence AS (
  UPDATE uploaded_orders
  SET current_stage = $3, next_attempt_at = NULL,
      lease_expires_at = now() + make_interval(secs => $8::int)
  WHERE id = $1::uuid AND lease_epoch = $2::bigint AND status = 'PROCESSING'
  RETURNING id),
att AS (
  INSERT INTO order_stage_attempts (order_id, stage, attempt, started_at, finished_at, outcome,
                                    node, lease_epoch)
  SELECT id, $3, $4::int, to_timestamp($5::bigint / 1000.0), now(), 'succeeded', $7, $2::bigint
  FROM fence
  ON CONFLICT (order_id, stage, attempt) DO NOTHING),
cp AS (
  INSERT INTO order_stage_checkpoints (order_id, stage, output, lease_epoch)
  SELECT id, $3, $6::jsonb, $2::bigint FROM fence
  ON CONFLICT (order_id, stage) DO UPDATE
    SET output = EXCLUDED.output, lease_epoch = EXCLUDED.lease_epoch, completed_at = now())
SELECT count(*) AS fenced FROM fence
)SQL",
          pg_params(order_id, epoch, stage, attempt, started_ms, output, node,
                    static_cast<int64_t>(lease.count()))};
}

pg_statement record_failed_attempt(const std::string& order_id, int64_t epoch,
                                   const std::string& stage, int32_t attempt, int64_t started_ms,
                                   const std::string& outcome, const std::string& error,
                                   const std::string& node, std::chrono::milliseconds next_wait) {
  return {R"SQL(
WITH fence AS (
  UPDATE uploaded_orders
  SET current_stage = $3, next_attempt_at = now() + $9::bigint * interval '1 millisecond'
  WHERE id = $1::uuid AND lease_epoch = $2::bigint AND status = 'PROCESSING'
  RETURNING id),
att AS (
  INSERT INTO order_stage_attempts (order_id, stage, attempt, started_at, finished_at, outcome,
                                    error, node, lease_epoch)
  SELECT id, $3, $4::int, to_timestamp($5::bigint / 1000.0), now(), $6, $7, $8, $2::bigint
  FROM fence
  ON CONFLICT (order_id, stage, attempt) DO NOTHING)
SELECT count(*) AS fenced FROM fence
)SQL",
          pg_params(order_id, epoch, stage, attempt, started_ms, outcome, error, node,
                    static_cast<int64_t>(next_wait.count()))};
}

pg_statement finish_order(const std::string& order_id, int64_t epoch, const std::string& status,
                          const std::string& reason) {
  // An order whose stages all succeeded still waits for a person while any
  // item is flagged: the sure items' RFQs went out, the rest needs a review.
  return {R"SQL(
WITH flagged AS (
  SELECT count(*) AS n FROM uploaded_order_items WHERE order_id = $1::uuid AND needs_review),
done AS (
  UPDATE uploaded_orders o
  SET status = CASE WHEN $3 = 'COMPLETED' AND f.n > 0 THEN 'PENDING_REVIEW' ELSE $3 END::order_status,
      failure_reason = CASE WHEN $3 = 'COMPLETED' AND f.n > 0
                            THEN f.n || CASE WHEN f.n = 1 THEN ' item needs' ELSE ' items need' END
                                 || ' review'
                            ELSE $4 END,
      completed_at = now(), owner_node = NULL, lease_expires_at = NULL, next_attempt_at = NULL
  FROM flagged f
  WHERE o.id = $1::uuid AND o.lease_epoch = $2::bigint AND o.status = 'PROCESSING'
  RETURNING o.status::text AS status)
SELECT count(*) AS fenced, max(status) AS status FROM done
)SQL",
          pg_params(order_id, epoch, status,
                    reason.empty() ? std::optional<std::string>{} : std::optional<std::string>{reason})};
}

pg_statement retry_failed_order(const std::string& order_id) {
  return {"UPDATE uploaded_orders SET status = 'PROCESSING', failure_reason = NULL,"
          " completed_at = NULL, owner_node = NULL, lease_expires_at = NULL,"
          " next_attempt_at = NULL, attempts_reset_at = now(), lease_epoch = lease_epoch + 1"
          " WHERE id = $1::uuid AND status = 'FAILED' RETURNING id::text AS id",
          pg_params(order_id)};
}

pg_statement cancel_processing_order(const std::string& order_id) {
  return {"UPDATE uploaded_orders SET status = 'FAILED', failure_reason = 'cancelled',"
          " completed_at = now(), owner_node = NULL, lease_expires_at = NULL,"
          " next_attempt_at = NULL, lease_epoch = lease_epoch + 1"
          " WHERE id = $1::uuid AND status = 'PROCESSING' RETURNING id::text AS id",
          pg_params(order_id)};
}

pg_statement run_order_now(const std::string& order_id) {
  return {"UPDATE uploaded_orders SET next_attempt_at = now()"
          " WHERE id = $1::uuid AND status = 'PROCESSING' RETURNING id::text AS id",
          pg_params(order_id)};
}

}  // namespace khaacho::db
