#include "actors/stages/rank_stage.hpp"

#include <simdjson.h>

#include "actors/blocking_stage.hpp"
#include "actors/pipeline.hpp"
#include "actors/stages/order_fence.hpp"
#include "common/json_writer.hpp"
#include "model/allocation.hpp"
#include "model/unit_conversion.hpp"

namespace khaacho::stages {

namespace {

// Items to allocate with their product's unit and the ranked offers for it,
// all in one statement: the window function ranks per product, so the top 5
// of every product of the order come back together.
constexpr const char* offers_sql = R"SQL(
WITH items AS (
  SELECT i.id, i.quantity::float8 AS quantity, i.unit::text AS unit, i.product_id,
         p.unit::text AS product_unit, p.pack_size_value::float8 AS pack_value,
         p.pack_size_unit::text AS pack_unit
  FROM uploaded_order_items i JOIN products p ON p.id = i.product_id
  WHERE i.order_id = $1::uuid AND NOT i.needs_review),
offers AS (
  SELECT * FROM (
    SELECT wp.product_id, wp.wholesaler_id, w.reliability_score, wp.unit_price_npr, wp.stock_qty,
           row_number() OVER (PARTITION BY wp.product_id
                              ORDER BY w.reliability_score DESC, wp.unit_price_npr, wp.stock_qty DESC,
                                       wp.wholesaler_id) AS turn
    FROM wholesaler_products wp JOIN wholesalers w ON w.id = wp.wholesaler_id
    WHERE wp.product_id IN (SELECT product_id FROM items) AND wp.stock_qty > 0) r
  WHERE turn <= 5)
SELECT i.id::text AS item_id, i.quantity, i.unit, i.product_unit, i.pack_value, i.pack_unit,
  (SELECT COALESCE(json_agg(json_build_object(
            'w', o.wholesaler_id, 'r', o.reliability_score, 'p', o.unit_price_npr, 's', o.stock_qty)
            ORDER BY o.turn), '[]')::text
   FROM offers o WHERE o.product_id = i.product_id) AS offers
FROM items i
)SQL";


/// `parser` is reused across the order's items (it keeps its buffers).
std::vector<model::stock_offer> parse_offers(simdjson::dom::parser& parser, const std::string& json) {
  std::vector<model::stock_offer> out;
  simdjson::dom::array arr;
  if (parser.parse(json).get(arr))
    return out;
  for (auto el : arr) {
    model::stock_offer o;
    std::string_view w;
    int64_t stock = 0;
    if (el["w"].get(w) || el["r"].get(o.reliability) || el["p"].get(o.unit_price)
        || el["s"].get(stock))
      continue;
    o.wholesaler_id = std::string{w};
    o.stock = stock;
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

stage_factory make_rank_stage(stage_context ctx) {
  return [ctx]() {
    auto workers = static_cast<size_t>(resolved_concurrency(ctx.settings.stages.at("rank")));
    return spawn_blocking_stage(*ctx.sys, "rank", [ctx]() -> stage_function {
      return [ctx](const stage_request& req,
                   const std::atomic<bool>&) -> caf::expected<stage_result> {
        auto db = ctx.db();
        auto rows = db.query({offers_sql, db::pg_params(req.order_id)});
        if (!rows)
          return rows.error();
        json_array allocations, shortfalls;
        simdjson::dom::parser parser;
        int64_t allocated = 0, short_items = 0;
        for (size_t i = 0; i < rows->size(); ++i) {
          auto row = rows->row(i);
          auto item_id = row.get<std::string>("item_id");
          double quantity = row.get<double>("quantity");
          model::product_unit sold{row.get<std::string>("product_unit"),
                                   row.get_optional<double>("pack_value"),
                                   row.get_optional<std::string>("pack_unit").value_or("")};
          auto amount = model::fit_amount(quantity,
                                          row.get_optional<std::string>("unit").value_or(""), sold);
          if (amount.fit == model::unit_fit::mismatch)
            continue;  // a reviewed item is checked at review; a flagged one never gets here
          auto ranked = model::rank_offers(parse_offers(parser, row.get<std::string>("offers")));
          auto plan = amount.fit == model::unit_fit::container
                        ? model::allocate_unmeasured(amount.quantity, ranked)
                        : model::allocate(amount.quantity, ranked);
          for (const auto& line : plan.lines) {
            json_object a;
            a.add("item_id", item_id)
              .add("wholesaler_id", line.wholesaler_id)
              .add("quantity", line.quantity)
              .add("rank", line.rank)
              .add("unit_price", line.unit_price)
              .add("unit", amount.unit);
            allocations.add(a);
          }
          allocated += !plan.lines.empty();
          // The shortfall is kept in the item's own unit.
          double shortfall = amount.quantity > 0 ? plan.shortfall * quantity / amount.quantity : 0;
          json_object s;
          s.add("item_id", item_id).add("shortfall", shortfall);
          shortfalls.add(s);
          short_items += plan.shortfall > 0;
        }
        auto fence = db::pg_params(req.order_id, req.lease_epoch);
        auto saved = db.transact({
          {lock_order_sql, fence},
          {std::string{"DELETE FROM order_item_allocations a USING uploaded_order_items i"
                       " WHERE a.item_id = i.id AND i.order_id = $1::uuid AND "} + order_fence_sql,
           fence},
          {std::string{R"SQL(
INSERT INTO order_item_allocations (item_id, wholesaler_id, quantity, rank, unit_price_npr, unit)
SELECT x.item_id, x.wholesaler_id, x.quantity, x.rank, x.unit_price, x.unit
FROM jsonb_to_recordset($3::jsonb) AS x(item_id uuid, wholesaler_id uuid, quantity numeric,
                                        rank smallint, unit_price numeric, unit text)
WHERE )SQL"} + order_fence_sql,
           db::pg_params(req.order_id, req.lease_epoch, allocations.str())},
          {std::string{R"SQL(
UPDATE uploaded_order_items i SET shortfall = x.shortfall
FROM jsonb_to_recordset($3::jsonb) AS x(item_id uuid, shortfall numeric)
WHERE i.id = x.item_id AND i.order_id = $1::uuid AND )SQL"} + order_fence_sql,
           db::pg_params(req.order_id, req.lease_epoch, shortfalls.str())},
        });
        if (!saved)
          return saved.error();
        if ((*saved)[0].empty())
          return lease_lost();
        json_object out;
        out.add("items", static_cast<int64_t>(rows->size()))
          .add("allocated", allocated)
          .add("shortItems", short_items);
        return stage_result{out.str(), false, ""};
      };
    }, workers);
  };
}

}  // namespace khaacho::stages
