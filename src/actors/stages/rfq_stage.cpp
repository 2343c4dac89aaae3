#include "actors/stages/rfq_stage.hpp"

#include "actors/blocking_stage.hpp"
#include "actors/pipeline.hpp"
#include "actors/stages/order_fence.hpp"
#include "common/json_writer.hpp"
#include "common/service_metrics.hpp"

namespace khaacho::stages {

namespace {

// One statement: the order row is locked (fence), the allocations grouped
// per wholesaler, minus what earlier RFQs of this order already asked of
// that wholesaler; what is left becomes the next revision. Two runs write
// nothing twice, because the second sees the first's lines as asked.
constexpr const char* write_rfqs_sql = R"SQL(
WITH fence AS (
  SELECT id FROM uploaded_orders
  WHERE id = $1::uuid AND lease_epoch = $2::bigint AND status = 'PROCESSING' FOR UPDATE),
wanted AS (
  SELECT a.wholesaler_id, i.product_id, p.name, p.sku, COALESCE(a.unit, p.unit)::text AS unit,
         sum(a.quantity) AS quantity
  FROM order_item_allocations a
  JOIN uploaded_order_items i ON i.id = a.item_id
  JOIN products p ON p.id = i.product_id
  WHERE i.order_id = $1::uuid
  GROUP BY 1, 2, 3, 4, 5),
asked AS (
  SELECT r.wholesaler_id, (l->>'productId')::uuid AS product_id, l->>'unit' AS unit,
         sum((l->>'quantity')::numeric) AS quantity
  FROM order_broadcast_logs r CROSS JOIN LATERAL jsonb_array_elements(r.items) l
  WHERE r.order_id = $1::uuid
  GROUP BY 1, 2, 3),
delta AS (
  SELECT w.wholesaler_id, w.product_id, w.name, w.sku, w.unit,
         w.quantity - COALESCE(a.quantity, 0) AS quantity
  FROM wanted w LEFT JOIN asked a USING (wholesaler_id, product_id, unit)
  WHERE w.quantity > COALESCE(a.quantity, 0)),
grouped AS (
  SELECT wholesaler_id,
         jsonb_agg(jsonb_build_object('productId', product_id, 'name', name, 'sku', sku,
                                      'quantity', quantity, 'unit', unit) ORDER BY name, unit) AS items
  FROM delta GROUP BY wholesaler_id),
written AS (
  INSERT INTO order_broadcast_logs (order_id, wholesaler_id, revision, items, lease_epoch)
  SELECT f.id, g.wholesaler_id,
         COALESCE((SELECT max(revision) FROM order_broadcast_logs b
                   WHERE b.order_id = f.id AND b.wholesaler_id = g.wholesaler_id), 0) + 1,
         g.items, $2::bigint
  FROM fence f CROSS JOIN grouped g
  RETURNING id)
SELECT (SELECT count(*) FROM fence) AS fenced, (SELECT count(*) FROM written) AS written,
       (SELECT count(*) FROM order_broadcast_logs WHERE order_id = $1::uuid) AS total
)SQL";

}  // namespace

stage_factory make_rfq_stage(stage_context ctx) {
  return [ctx]() {
    auto workers = static_cast<size_t>(resolved_concurrency(ctx.settings.stages.at("rfq")));
    return spawn_blocking_stage(*ctx.sys, "rfq", [ctx]() -> stage_function {
      return [ctx](const stage_request& req,
                   const std::atomic<bool>&) -> caf::expected<stage_result> {
        auto r = ctx.db().query({write_rfqs_sql, db::pg_params(req.order_id, req.lease_epoch)});
        if (!r)
          return r.error();
        auto row = r->row(0);
        if (row.get<int64_t>("fenced") == 0)
          return lease_lost();
        metrics::service_metrics::instance().rfqs_written().inc(
          static_cast<uint64_t>(row.get<int64_t>("written")));
        json_object out;
        out.add("written", row.get<int64_t>("written")).add("rfqs", row.get<int64_t>("total"));
        return stage_result{out.str(), false, ""};
      };
    }, workers);
  };
}

}  // namespace khaacho::stages
