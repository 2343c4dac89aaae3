#include "services/review_service.hpp"

#include <unordered_map>

#include "adapters/db/pg_array_literal.hpp"
#include "common/json_writer.hpp"
#include "model/unit_conversion.hpp"

namespace khaacho::services {

namespace {

constexpr const char* products_sql =
  "SELECT id::text AS id, name, unit::text AS unit, pack_size_value::float8 AS pack_value,"
  " pack_size_unit::text AS pack_unit FROM products WHERE id = ANY($1::uuid[])";

// Every statement of the transaction re-checks that the order is still
// PENDING_REVIEW in the caller's scope; the first locks the row, so the
// check cannot change halfway.
constexpr const char* reviewable =
  "EXISTS (SELECT 1 FROM uploaded_orders WHERE id = $1::uuid AND status = 'PENDING_REVIEW'"
  " AND ($2::uuid IS NULL OR retailer_id = $2::uuid))";

constexpr const char* lock_sql =
  "SELECT status::text AS status FROM uploaded_orders WHERE id = $1::uuid"
  " AND ($2::uuid IS NULL OR retailer_id = $2::uuid) FOR UPDATE";

constexpr const char* insert_items_sql = R"SQL(
INSERT INTO uploaded_order_items (order_id, line_no, raw_name, quantity, unit, product_id,
                                  confidence, needs_review)
SELECT $1::uuid, x.line_no, p.name, x.quantity, x.unit, p.id, 1.0, false
FROM jsonb_to_recordset($3::jsonb) AS x(line_no int, product_id uuid, quantity numeric, unit text)
JOIN products p ON p.id = x.product_id
WHERE )SQL";

// The stages before ranking count as done (an order flagged at extraction has
// no normalize checkpoint); ranking and after run again.
constexpr const char* checkpoints_sql = R"SQL(
INSERT INTO order_stage_checkpoints (order_id, stage, output)
SELECT $1::uuid, s, '{"reviewed": true}'::jsonb
FROM unnest(ARRAY['ocr', 'extract', 'normalize']) AS s
WHERE )SQL";

constexpr const char* resume_sql = R"SQL(
UPDATE uploaded_orders
SET status = 'PROCESSING', failure_reason = NULL, completed_at = NULL, owner_node = NULL,
    lease_expires_at = NULL, next_attempt_at = NULL, attempts_reset_at = now(),
    lease_epoch = lease_epoch + 1, current_stage = 'rank', reviewed_at = now(), reviewed_by = $3
WHERE id = $1::uuid AND status = 'PENDING_REVIEW' AND ($2::uuid IS NULL OR retailer_id = $2::uuid)
RETURNING id
)SQL";

review_answer invalid(std::string message) {
  return {review_outcome::invalid, std::move(message)};
}

}  // namespace

caf::expected<review_answer> review_service::submit(const review_request& req) const {
  db::pg_array_literal ids;
  for (const auto& it : req.items)
    ids.add(it.product_id);
  auto found = db_.query({products_sql, db::pg_params(ids.release())});
  if (!found)
    return found.error();
  std::unordered_map<std::string, model::product_unit> products;
  for (size_t i = 0; i < found->size(); ++i) {
    auto row = found->row(i);
    products.emplace(row.get<std::string>("id"),
                     model::product_unit{row.get<std::string>("unit"),
                                         row.get_optional<double>("pack_value"),
                                         row.get_optional<std::string>("pack_unit").value_or("")});
  }
  json_array rows;
  for (size_t i = 0; i < req.items.size(); ++i) {
    const auto& it = req.items[i];
    auto where = "items[" + std::to_string(i) + "]";
    auto p = products.find(it.product_id);
    if (p == products.end())
      return invalid(where + ".productId names no catalog product");
    auto fit = model::fit_amount(it.quantity, it.unit, p->second);
    if (fit.fit == model::unit_fit::mismatch)
      return invalid(where + ": " + fit.reason);
    json_object o;
    o.add("line_no", static_cast<int64_t>(i + 1))
      .add("product_id", it.product_id)
      .add("quantity", it.quantity)
      .add("unit", it.unit.empty() ? p->second.unit : it.unit);
    rows.add(o);
  }
  auto scope = db::pg_params(req.order_id, req.scope.retailer_id);
  auto with_rows = db::pg_params(req.order_id, req.scope.retailer_id, rows.str());
  auto done = db_.transact({
    {lock_sql, scope},
    {std::string{"DELETE FROM uploaded_order_items WHERE order_id = $1::uuid AND "} + reviewable,
     scope},
    {insert_items_sql + std::string{reviewable}, with_rows},
    {std::string{"DELETE FROM order_stage_checkpoints WHERE order_id = $1::uuid"
                 " AND stage IN ('rank', 'rfq', 'notify') AND "}
       + reviewable,
     scope},
    {checkpoints_sql + std::string{reviewable} + " ON CONFLICT (order_id, stage) DO NOTHING", scope},
    {resume_sql, db::pg_params(req.order_id, req.scope.retailer_id, req.reviewer)},
  });
  if (!done)
    return done.error();
  const auto& lock = (*done)[0];
  if (lock.empty())
    return review_answer{review_outcome::not_found, "no such order"};
  if ((*done)[5].empty())
    return review_answer{review_outcome::conflict,
                         "the order is " + lock.row(0).get<std::string>("status")
                           + "; only PENDING_REVIEW orders take a review"};
  if (on_resumed_)
    on_resumed_(req.order_id);
  return review_answer{review_outcome::resumed, ""};
}

}  // namespace khaacho::services
