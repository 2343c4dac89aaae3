#include "actors/stages/ocr_stage.hpp"

#include "actors/blocking_stage.hpp"
#include "actors/pipeline.hpp"
#include "adapters/ocr/ocr_engine.hpp"
#include "adapters/storage/blob_storage.hpp"
#include "common/json_writer.hpp"

namespace khaacho::stages {

namespace {

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n\f\v") == std::string::npos;
}

}  // namespace

stage_factory make_ocr_stage(stage_context ctx) {
  return [ctx]() {
    auto workers = static_cast<size_t>(resolved_concurrency(ctx.settings.stages.at("ocr")));
    return spawn_blocking_stage(*ctx.sys, "ocr", [ctx]() -> stage_function {
      auto engine = std::make_shared<caf::expected<std::unique_ptr<ocr::ocr_engine>>>(
        ocr::make_ocr_engine(ctx.settings.ocr));
      auto storage = std::make_shared<caf::expected<std::unique_ptr<storage::blob_storage>>>(
        storage::make_blob_storage(ctx.settings.storage));
      return [ctx, engine, storage](const stage_request& req,
                                    const std::atomic<bool>&) -> caf::expected<stage_result> {
        if (!*engine)
          return engine->error();
        if (!*storage)
          return storage->error();
        auto db = ctx.db();
        auto row = db.query({"SELECT image_key, image_deleted_at IS NOT NULL AS gone"
                             " FROM uploaded_orders WHERE id = $1::uuid",
                             db::pg_params(req.order_id)});
        if (!row)
          return row.error();
        if (row->empty())
          return caf::make_error(errc::not_found, "the order no longer exists");
        if (row->row(0).get<bool>("gone"))
          return caf::make_error(errc::bad_input, "the photo was deleted after its retention period");
        auto bytes = (**storage)->get(row->row(0).get<std::string>("image_key"));
        if (!bytes)
          return bytes.error();
        auto read = (**engine)->read(*bytes);
        if (!read)
          return read.error();
        auto saved = db.query({"UPDATE uploaded_orders SET extracted_text = $2,"
                               " ocr_confidence = $3::real"
                               " WHERE id = $1::uuid AND lease_epoch = $4::bigint",
                               db::pg_params(req.order_id, read->text,
                                             std::clamp(read->confidence, 0.0, 1.0),
                                             req.lease_epoch)});
        if (!saved)
          return saved.error();
        json_array lines;
        for (size_t i = 0; i < read->lines.size(); ++i) {
          json_object l;
          l.add("text", read->lines[i].text).add("confidence", read->lines[i].confidence);
          // Other readings of this line, for the extract stage to choose from.
          if (i < read->line_readings.size() && read->line_readings[i].size() > 1) {
            json_array others;
            for (size_t r = 1; r < read->line_readings[i].size(); ++r) {
              json_object o;
              o.add("text", read->line_readings[i][r].text)
                .add("confidence", read->line_readings[i][r].confidence);
              others.add(o);
            }
            l.add_raw("alternatives", others.str());
          }
          lines.add(l);
        }
        json_object out;
        out.add("text", read->text).add("confidence", read->confidence).add("engine", (**engine)->name());
        out.add_raw("lines", lines.str());
        if (!read->struck_lines.empty()) {
          // Kept for the operator: what was on the paper but is not wanted.
          json_array struck;
          for (const auto& l : read->struck_lines)
            struck.add(l);
          out.add_raw("struck_lines", struck.str());
        }
        stage_result result{out.str(), false, ""};
        if (blank(read->text)) {
          result.needs_review = true;
          result.review_reason = read->struck_lines.empty()
                                   ? "no text could be read from the photo"
                                   : "every line read on the photo is crossed out";
        }
        return result;
      };
    }, workers);
  };
}

}  // namespace khaacho::stages
