#include "services/webhook_outbox.hpp"

#include <algorithm>

#include "common/json_writer.hpp"

namespace khaacho::services {

namespace {

// A delivery is due when no earlier event of the same order is still open
// for the same webhook: FAILED and SENT rows are closed, so one dead event
// holds the later ones back only until it runs out of attempts.
constexpr const char* claim_sql = R"SQL(
WITH due AS (
  SELECT d.id
  FROM webhook_deliveries d JOIN order_status_events e ON e.id = d.event_id
  WHERE d.status = 'PENDING' AND d.next_attempt_at <= now()
    AND (d.claimed_until IS NULL OR d.claimed_until < now())
    AND NOT EXISTS (
      SELECT 1 FROM order_status_events pe
      JOIN webhook_deliveries p ON p.event_id = pe.id AND p.webhook_id = d.webhook_id
      WHERE pe.order_id = e.order_id AND pe.id < e.id AND p.status = 'PENDING')
  ORDER BY d.next_attempt_at, d.event_id
  LIMIT $3::bigint
  FOR UPDATE OF d SKIP LOCKED)
UPDATE webhook_deliveries d
SET attempts = d.attempts + 1, claimed_by = $1,
    claimed_until = now() + $2::bigint * interval '1 millisecond'
FROM due, order_status_events e, webhooks w
WHERE d.id = due.id AND e.id = d.event_id AND w.id = d.webhook_id
RETURNING d.id::text AS id, w.id::text AS webhook_id, w.url, w.secret,
          e.order_id::text AS order_id, e.status::text AS status,
          khaacho_rfc3339(e.occurred_at) AS occurred_at,
          d.attempts, d.event_id
)SQL";

constexpr const char* record_sql = R"SQL(
UPDATE webhook_deliveries
SET status = $3, response_status = $4::int, last_error = $5,
    delivered_at = CASE WHEN $3 = 'SENT' THEN now() ELSE delivered_at END,
    next_attempt_at = now() + $6::bigint * interval '1 millisecond',
    claimed_by = NULL, claimed_until = NULL
WHERE id = $1::uuid AND claimed_by = $2 AND status = 'PENDING'
)SQL";

constexpr const char* release_sql = R"SQL(
UPDATE webhook_deliveries
SET attempts = greatest(attempts - 1, 0), claimed_by = NULL, claimed_until = NULL
WHERE id = $1::uuid AND claimed_by = $2 AND status = 'PENDING'
)SQL";

}  // namespace

std::string delivery_body(const claimed_delivery& d) {
  return json_object{}
    .add("event", "order.status_changed")
    .add("orderId", d.order_id)
    .add("status", d.status)
    .add("occurredAt", d.occurred_at)
    .str();
}

caf::expected<std::vector<claimed_delivery>> claim_deliveries(const db_client& db,
                                                              const std::string& claimer,
                                                              std::chrono::milliseconds claim_for,
                                                              int64_t limit) {
  auto r = db.query({claim_sql, db::pg_params(claimer, static_cast<int64_t>(claim_for.count()),
                                              limit)});
  if (!r)
    return r.error();
  std::vector<std::pair<int64_t, claimed_delivery>> rows;
  for (size_t i = 0; i < r->size(); ++i) {
    auto row = r->row(i);
    claimed_delivery d;
    d.id = row.get<std::string>("id");
    d.webhook_id = row.get<std::string>("webhook_id");
    d.url = row.get<std::string>("url");
    d.secret = row.get<std::string>("secret");
    d.order_id = row.get<std::string>("order_id");
    d.status = row.get<std::string>("status");
    d.occurred_at = row.get<std::string>("occurred_at");
    d.attempts = row.get<int32_t>("attempts");
    rows.emplace_back(row.get<int64_t>("event_id"), std::move(d));
  }
  // UPDATE ... RETURNING has no order; send oldest events first.
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<claimed_delivery> out;
  for (auto& [event, d] : rows)
    out.push_back(std::move(d));
  return out;
}

caf::expected<bool> record_delivery(const db_client& db, const std::string& id,
                                    const std::string& claimer, const delivery_record& r) {
  auto done = db.query({record_sql, db::pg_params(id, claimer, r.status, r.response_status, r.error,
                                                  static_cast<int64_t>(r.retry_in.count()))});
  if (!done)
    return done.error();
  return done->affected_rows > 0;
}

caf::expected<bool> release_delivery(const db_client& db, const std::string& id,
                                     const std::string& claimer) {
  auto done = db.query({release_sql, db::pg_params(id, claimer)});
  if (!done)
    return done.error();
  return done->affected_rows > 0;
}

}  // namespace khaacho::services
