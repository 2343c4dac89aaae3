#include "actors/stages/extract_stage.hpp"

#include <algorithm>

#include <simdjson.h>

#include "actors/blocking_stage.hpp"
#include "actors/pipeline.hpp"
#include "adapters/extract/item_extractor.hpp"
#include "common/json_writer.hpp"
#include "model/line_confidence.hpp"
#include "model/reading_choice.hpp"

namespace khaacho::stages {

std::string items_json(const std::vector<model::extracted_item>& items) {
  json_array arr;
  for (const auto& it : items) {
    json_object o;
    o.add("name", it.name)
      .add("quantity", it.quantity)
      .add_or_null("unit", it.unit)
      .add("rawUnit", it.raw_unit)
      .add("line", it.line)
      .add("unsure", it.unsure);
    if (!it.unsure_reason.empty())
      o.add("unsureReason", it.unsure_reason);
    arr.add(o);
  }
  json_object out;
  out.add_raw("items", arr.str());
  return out.str();
}

namespace {

struct ocr_reading {
  std::string text;
  std::vector<model::ocr_line> lines;
  /// Per line: the line, then other readings of it (empty with one reading).
  std::vector<std::vector<model::ocr_line>> line_readings;
};

/// The OCR text and line confidences from the ocr stage's checkpoint.
caf::expected<ocr_reading> ocr_checkpoint(const stage_request& req) {
  auto it = req.checkpoints.find("ocr");
  if (it == req.checkpoints.end())
    return caf::make_error(errc::internal, "extract ran without an OCR checkpoint");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view text;
  if (parser.parse(it->second).get(doc) || doc["text"].get(text))
    return caf::make_error(errc::internal, "the OCR checkpoint has no text");
  ocr_reading out;
  out.text = std::string{text};
  simdjson::dom::array lines;
  if (!doc["lines"].get(lines))
    for (auto l : lines) {
      std::string_view t;
      double c = 0;
      if (l["text"].get(t) || l["confidence"].get(c))
        continue;
      out.lines.push_back({std::string{t}, c});
      std::vector<model::ocr_line> group{out.lines.back()};
      simdjson::dom::array others;
      if (!l["alternatives"].get(others))
        for (auto o : others)
          if (!o["text"].get(t) && !o["confidence"].get(c))
            group.push_back({std::string{t}, c});
      out.line_readings.push_back(std::move(group));
    }
  return out;
}

model::match_thresholds thresholds(const config::settings& s) {
  return {s.normalize.auto_match, s.normalize.review};
}

/// With several readings, keeps per line the one whose item fits the
/// catalog best (by OCR confidence alone while no catalog is loaded), and
/// rebuilds the text from the kept lines.
void choose_lines(ocr_reading& reading, const stage_context& ctx) {
  bool alternatives = std::any_of(reading.line_readings.begin(), reading.line_readings.end(),
                                  [](const auto& g) { return g.size() > 1; });
  if (!alternatives)
    return;
  auto catalog = ctx.catalog ? ctx.catalog->current() : nullptr;
  reading.lines = model::choose_readings(reading.line_readings, catalog ? &catalog->index : nullptr,
                                         thresholds(ctx.settings));
  reading.text.clear();
  for (const auto& line : reading.lines)
    reading.text += line.text + "\n";
}

}  // namespace

stage_factory make_extract_stage(stage_context ctx) {
  return [ctx]() {
    auto workers = static_cast<size_t>(resolved_concurrency(ctx.settings.stages.at("extract")));
    return spawn_blocking_stage(*ctx.sys, "extract", [ctx]() -> stage_function {
      auto extractor = std::make_shared<caf::expected<std::unique_ptr<extract::item_extractor>>>(
        extract::make_item_extractor(ctx.settings.extract));
      return [ctx, extractor](const stage_request& req,
                              const std::atomic<bool>&) -> caf::expected<stage_result> {
        if (!*extractor)
          return extractor->error();
        auto reading = ocr_checkpoint(req);
        if (!reading)
          return reading.error();
        choose_lines(*reading, ctx);
        auto items = (**extractor)->extract(reading->text);
        if (!items)
          return items.error();
        model::flag_low_confidence_items(*items, reading->lines,
                                         ctx.settings.ocr.min_line_confidence);
        if (auto catalog = ctx.catalog ? ctx.catalog->current() : nullptr; catalog)
          model::flag_disputed_amounts(*items, reading->line_readings, catalog->index,
                                       thresholds(ctx.settings));
        auto json = items_json(*items);
        auto saved = ctx.db().query({"UPDATE uploaded_orders SET parsed_data = $2::jsonb"
                                     " WHERE id = $1::uuid AND lease_epoch = $3::bigint",
                                     db::pg_params(req.order_id, json, req.lease_epoch)});
        if (!saved)
          return saved.error();
        stage_result result{json, false, ""};
        if (items->empty()) {
          result.needs_review = true;
          result.review_reason = "no order items were found on the photo";
        }
        return result;
      };
    }, workers);
  };
}

}  // namespace khaacho::stages
