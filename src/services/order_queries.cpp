#include "services/order_queries.hpp"

#include "common/errc.hpp"

namespace khaacho::services {

namespace {

// Items with their product and allocations, RFQs with their notifications,
// and the latest attempt of each stage, nested in one document.
constexpr const char* status_document_sql = R"SQL(
SELECT json_build_object(
  'id', o.id,
  'retailerId', o.retailer_id,
  'status', o.status,
  'imageUrl', o.image_url,
  'createdAt', khaacho_rfc3339(o.created_at),
  'updatedAt', khaacho_rfc3339(o.updated_at),
  'extractedText', o.extracted_text,
  'items', COALESCE((
    SELECT json_agg(json_build_object(
      'rawName', i.raw_name,
      'quantity', i.quantity,
      'unit', i.unit,
      'productId', i.product_id,
      'productName', p.name,
      'confidence', i.confidence,
      'needsReview', i.needs_review,
      'reviewReason', i.review_reason,
      'shortfall', i.shortfall,
      'allocations', COALESCE((
        SELECT json_agg(json_build_object('wholesalerId', a.wholesaler_id, 'wholesalerName', w.name,
                                          'quantity', a.quantity, 'unit', COALESCE(a.unit, p.unit))
                        ORDER BY a.rank, a.wholesaler_id)
        FROM order_item_allocations a LEFT JOIN wholesalers w ON w.id = a.wholesaler_id
        WHERE a.item_id = i.id), '[]'::json))
      ORDER BY i.line_no)
    FROM uploaded_order_items i LEFT JOIN products p ON p.id = i.product_id
    WHERE i.order_id = o.id), '[]'::json),
  'rfqs', COALESCE((
    SELECT json_agg(json_build_object(
      'id', r.id,
      'wholesalerId', r.wholesaler_id,
      'wholesalerName', (SELECT w.name FROM wholesalers w WHERE w.id = r.wholesaler_id),
      'revision', r.revision,
      'status', r.status,
      'items', r.items,
      'createdAt', khaacho_rfc3339(r.created_at),
      'notifications', COALESCE((
        -- UNKNOWN (sent, outcome not known, will be retried) is still pending to a reader.
        SELECT json_agg(json_build_object('channel', n.channel,
                                          'status', CASE WHEN n.status = 'UNKNOWN' THEN 'PENDING'
                                                         ELSE n.status END,
                                          'attempts', n.attempts) ORDER BY n.channel)
        FROM notifications n WHERE n.rfq_id = r.id), '[]'::json))
      ORDER BY r.created_at, r.id)
    FROM order_broadcast_logs r WHERE r.order_id = o.id), '[]'::json),
  'stages', COALESCE((
    SELECT json_agg(json_build_object(
      'stage', s.stage,
      'status', s.outcome,
      'attempts', s.attempt,
      'startedAt', khaacho_rfc3339(s.started_at),
      'finishedAt', khaacho_rfc3339(s.finished_at),
      'lastError', s.error)
      ORDER BY array_position(ARRAY['ocr','extract','normalize','rank','rfq','notify'], s.stage::text))
    FROM (SELECT DISTINCT ON (stage) stage, outcome, attempt, started_at, finished_at, error
          FROM order_stage_attempts WHERE order_id = o.id
          ORDER BY stage, attempt DESC) s), '[]'::json),
  'failureReason', o.failure_reason
)::text AS doc
FROM uploaded_orders o
WHERE o.id = $1::uuid AND ($2::uuid IS NULL OR o.retailer_id = $2::uuid)
)SQL";

// Keyset pagination on (created_at, id), newest first; one row more than the
// page tells whether another page follows. Microseconds are compared as
// integers so a cursor never skips or repeats a row.
constexpr const char* list_sql = R"SQL(
SELECT json_build_object(
  'id', id,
  'retailerId', retailer_id,
  'status', status,
  'imageUrl', image_url,
  'statusUrl', '/api/orders/uploads/' || id,
  'createdAt', khaacho_rfc3339(created_at),
  'updatedAt', khaacho_rfc3339(updated_at),
  'failureReason', failure_reason
)::text AS doc,
  (extract(epoch FROM created_at) * 1000000)::bigint AS created_us,
  id::text AS id
FROM uploaded_orders
WHERE ($1::uuid IS NULL OR retailer_id = $1::uuid)
  AND ($2::order_status IS NULL OR status = $2::order_status)
  AND ($3::bigint IS NULL
       OR (created_at, id) < (to_timestamp(0) + $3::bigint * interval '1 microsecond', $4::uuid))
ORDER BY created_at DESC, id DESC
LIMIT $5::int
)SQL";

}  // namespace

caf::expected<std::string> order_queries::status_document(const std::string& order_id,
                                                          const order_scope& scope) const {
  auto rows = db_.query({status_document_sql, db::pg_params(order_id, scope.retailer_id)});
  if (!rows)
    return rows.error();
  if (rows->empty())
    return caf::make_error(errc::not_found, "no such order");
  return rows->row(0).get<std::string>("doc");
}

caf::expected<order_page> order_queries::list(const order_page_request& req) const {
  std::optional<int64_t> after_us;
  std::optional<std::string> after_id;
  if (req.after) {
    after_us = req.after->created_at_us;
    after_id = req.after->id;
  }
  auto rows = db_.query({list_sql, db::pg_params(req.scope.retailer_id, req.status, after_us,
                                                 after_id, int64_t{req.limit} + 1)});
  if (!rows)
    return rows.error();
  order_page page;
  auto n = std::min(rows->size(), static_cast<size_t>(req.limit));
  page.items.reserve(n);
  for (size_t i = 0; i < n; ++i)
    page.items.push_back(rows->row(i).get<std::string>("doc"));
  if (rows->size() > n) {
    auto last = rows->row(n - 1);
    page.next = model::order_cursor{last.get<int64_t>("created_us"), last.get<std::string>("id")};
  }
  return page;
}

}  // namespace khaacho::services
