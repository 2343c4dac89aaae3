#include "actors/stages/normalize_stage.hpp"

#include <simdjson.h>

#include "actors/blocking_stage.hpp"
#include "actors/pipeline.hpp"
#include "actors/stages/order_fence.hpp"
#include "common/json_writer.hpp"
#include "common/service_metrics.hpp"
#include "model/item_normalization.hpp"

namespace khaacho::stages {

caf::expected<std::vector<model::extracted_item>> parse_items_json(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array items;
  if (parser.parse(json).get(doc) || doc["items"].get(items))
    return caf::make_error(errc::internal, "the extract checkpoint has no items");
  std::vector<model::extracted_item> out;
  for (auto el : items) {
    model::extracted_item it;
    std::string_view name, unit, raw_unit, line, reason;
    double quantity = 0;
    if (el["name"].get(name) || el["quantity"].get(quantity))
      return caf::make_error(errc::internal, "an extracted item lacks name or quantity");
    it.name = std::string{name};
    it.quantity = quantity;
    if (!el["unit"].get(unit))
      it.unit = std::string{unit};
    if (!el["rawUnit"].get(raw_unit))
      it.raw_unit = std::string{raw_unit};
    if (!el["line"].get(line))
      it.line = std::string{line};
    bool unsure = false;
    if (!el["unsure"].get(unsure))
      it.unsure = unsure;
    if (!el["unsureReason"].get(reason))
      it.unsure_reason = std::string{reason};
    out.push_back(std::move(it));
  }
  return out;
}

namespace {

// Replaces the order's items inside the lease fence (order_fence.hpp).
constexpr const char* delete_items_sql = "DELETE FROM uploaded_order_items WHERE order_id = $1::uuid AND ";
constexpr const char* insert_items_sql = R"SQL(
INSERT INTO uploaded_order_items (order_id, line_no, raw_name, raw_unit, quantity, unit, product_id,
                                  confidence, needs_review, review_reason, matched_text)
SELECT $1::uuid, x.line_no, x.raw_name, x.raw_unit, x.quantity, x.unit, x.product_id,
       x.confidence, x.needs_review, x.review_reason, x.matched_text
FROM jsonb_to_recordset($3::jsonb) AS x(line_no int, raw_name text, raw_unit text, quantity numeric,
                                        unit text, product_id uuid, confidence real,
                                        needs_review boolean, review_reason text, matched_text text)
WHERE )SQL";

/// Names longer than this are cut for the row (the line keeps the whole text).
constexpr size_t max_name_bytes = 500;

std::string item_row(size_t line_no, const model::extracted_item& item,
                     const model::normalized_item& n, const services::catalog_snapshot& catalog) {
  json_object o;
  o.add("line_no", static_cast<int64_t>(line_no))
    .add("raw_name", item.name.substr(0, max_name_bytes))
    .add("quantity", item.quantity)
    .add("confidence", n.confidence)
    .add("needs_review", n.needs_review);
  o.add_or_null("raw_unit", item.raw_unit)
    .add_or_null("unit", n.unit)
    .add_or_null("product_id", n.product ? catalog.index.products()[*n.product].id : std::string{})
    .add_or_null("review_reason", n.review_reason)
    .add_or_null("matched_text", n.matched);
  return o.str();
}

}  // namespace

stage_factory make_normalize_stage(stage_context ctx) {
  return [ctx]() {
    auto workers = static_cast<size_t>(resolved_concurrency(ctx.settings.stages.at("normalize")));
    return spawn_blocking_stage(*ctx.sys, "normalize", [ctx]() -> stage_function {
      model::match_thresholds thresholds{ctx.settings.normalize.auto_match,
                                         ctx.settings.normalize.review};
      return [ctx, thresholds](const stage_request& req,
                               const std::atomic<bool>&) -> caf::expected<stage_result> {
        auto cp = req.checkpoints.find("extract");
        if (cp == req.checkpoints.end())
          return caf::make_error(errc::internal, "normalize ran without an extract checkpoint");
        auto items = parse_items_json(cp->second);
        if (!items)
          return items.error();
        auto catalog = ctx.catalog ? ctx.catalog->current() : nullptr;
        if (!catalog)
          return caf::make_error(errc::upstream_unavailable, "the catalog is not loaded yet");
        json_array rows;
        int64_t matched = 0, flagged = 0, sure = 0;
        for (size_t i = 0; i < items->size(); ++i) {
          auto n = model::normalize_item((*items)[i], catalog->index, thresholds);
          matched += n.product.has_value();
          flagged += n.needs_review;
          sure += n.product.has_value() && !n.needs_review;
          rows.add_raw(item_row(i + 1, (*items)[i], n, *catalog));
        }
        auto params = db::pg_params(req.order_id, req.lease_epoch);
        auto with_rows = db::pg_params(req.order_id, req.lease_epoch, rows.str());
        auto saved = ctx.db().transact({{lock_order_sql, params},
                                        {std::string{delete_items_sql} + order_fence_sql, params},
                                        {std::string{insert_items_sql} + order_fence_sql, with_rows}});
        if (!saved)
          return saved.error();
        if ((*saved)[0].empty())
          return lease_lost();
        // normalization_accuracy: counted once the items are stored.
        auto& m = metrics::service_metrics::instance();
        m.items_matched().inc(static_cast<uint64_t>(sure));
        m.items_flagged().inc(static_cast<uint64_t>(matched - sure));
        m.items_unmatched().inc(static_cast<uint64_t>(static_cast<int64_t>(items->size()) - matched));
        json_object out;
        out.add("items", static_cast<int64_t>(items->size()))
          .add("matched", matched)
          .add("flagged", flagged)
          .add("catalogVersion", catalog->version);
        return stage_result{out.str(), false, ""};
      };
    }, workers);
  };
}

}  // namespace khaacho::stages
