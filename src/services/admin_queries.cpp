#include "services/admin_queries.hpp"

#include "common/errc.hpp"

namespace khaacho::services {

namespace {

constexpr const char* history_sql = R"SQL(
SELECT json_build_object(
  'id', o.id,
  'retailerId', o.retailer_id,
  'status', o.status,
  'currentStage', o.current_stage,
  'failureReason', o.failure_reason,
  'ownerNode', o.owner_node,
  'leaseExpiresAt', khaacho_rfc3339(o.lease_expires_at),
  'nextAttemptAt', khaacho_rfc3339(o.next_attempt_at),
  'createdAt', khaacho_rfc3339(o.created_at),
  'updatedAt', khaacho_rfc3339(o.updated_at),
  'completedAt', khaacho_rfc3339(o.completed_at)
)::text AS order_doc,
COALESCE((
  SELECT json_agg(json_build_object(
    'stage', a.stage,
    'attempt', a.attempt,
    'outcome', a.outcome,
    'startedAt', khaacho_rfc3339(a.started_at),
    'finishedAt', khaacho_rfc3339(a.finished_at),
    'durationMs', (extract(epoch FROM a.finished_at - a.started_at) * 1000)::bigint,
    'error', a.error,
    'node', a.node)
    ORDER BY a.started_at, a.attempt)
  FROM order_stage_attempts a WHERE a.order_id = o.id), '[]'::json)::text AS attempts,
COALESCE((
  SELECT json_agg(json_build_object('stage', c.stage, 'completedAt', khaacho_rfc3339(c.completed_at))
    ORDER BY array_position(ARRAY['ocr','extract','normalize','rank','rfq','notify'], c.stage::text))
  FROM order_stage_checkpoints c WHERE c.order_id = o.id), '[]'::json)::text AS checkpoints
FROM uploaded_orders o
WHERE o.id = $1::uuid
)SQL";

constexpr const char* state_sql = R"SQL(
SELECT json_build_object(
  'id', id,
  'status', status,
  'currentStage', current_stage,
  'failureReason', failure_reason,
  'ownerNode', owner_node,
  'nextAttemptAt', khaacho_rfc3339(next_attempt_at),
  'updatedAt', khaacho_rfc3339(updated_at)
)::text AS doc
FROM uploaded_orders WHERE id = $1::uuid
)SQL";

// Counts use the status index (all orders), the created_at index (last
// hour's uploads) and the completed_at index of 0008 (last hour's finished
// orders, the latest failures).
constexpr const char* summary_sql = R"SQL(
WITH by_status AS (
  SELECT status::text AS status, count(*) AS n FROM uploaded_orders GROUP BY status
), recent AS (
  SELECT status::text AS status, count(*) AS n FROM uploaded_orders
  WHERE created_at > now() - interval '1 hour' GROUP BY status
), finished AS (
  SELECT count(*) FILTER (WHERE status = 'COMPLETED') AS completed,
         count(*) FILTER (WHERE status = 'PENDING_REVIEW') AS pending_review,
         count(*) FILTER (WHERE status = 'FAILED') AS failed,
         count(*) AS total
  FROM uploaded_orders
  WHERE completed_at > now() - interval '1 hour' AND status <> 'PROCESSING'
), failures AS (
  SELECT id, retailer_id, failure_reason, current_stage, completed_at FROM uploaded_orders
  WHERE completed_at IS NOT NULL AND status = 'FAILED'
  ORDER BY completed_at DESC LIMIT $1::int
)
SELECT json_build_object(
  'generatedAt', khaacho_rfc3339(now()),
  'total', (SELECT COALESCE(json_object_agg(status, n), '{}'::json) FROM by_status),
  'createdLastHour', (SELECT COALESCE(json_object_agg(status, n), '{}'::json) FROM recent),
  'finishedLastHour', (SELECT json_build_object(
      'completed', completed, 'pendingReview', pending_review, 'failed', failed, 'total', total,
      'perMinute', round(total / 60.0, 2),
      'failureRate', CASE WHEN total = 0 THEN 0 ELSE round(failed::numeric / total, 4) END)
    FROM finished),
  'recentFailures', COALESCE((SELECT json_agg(json_build_object(
      'id', id, 'retailerId', retailer_id, 'failureReason', failure_reason,
      'stage', current_stage, 'failedAt', khaacho_rfc3339(completed_at))
      ORDER BY completed_at DESC) FROM failures), '[]'::json)
)::text AS doc
)SQL";

}  // namespace

caf::expected<order_history> admin_queries::history(const std::string& order_id) const {
  auto rows = db_.query({history_sql, db::pg_params(order_id)});
  if (!rows)
    return rows.error();
  if (rows->empty())
    return caf::make_error(errc::not_found, "no such order");
  auto row = rows->row(0);
  return order_history{row.get<std::string>("order_doc"), row.get<std::string>("attempts"),
                       row.get<std::string>("checkpoints")};
}

caf::expected<std::string> admin_queries::state(const std::string& order_id) const {
  auto rows = db_.query({state_sql, db::pg_params(order_id)});
  if (!rows)
    return rows.error();
  if (rows->empty())
    return caf::make_error(errc::not_found, "no such order");
  return rows->row(0).get<std::string>("doc");
}

caf::expected<std::string> admin_queries::summary(int recent_failures) const {
  auto rows = db_.query({summary_sql, db::pg_params(int64_t{recent_failures})});
  if (!rows)
    return rows.error();
  return rows->row(0).get<std::string>("doc");
}

}  // namespace khaacho::services
