#include "services/image_sweeper.hpp"

#include "common/errc.hpp"
#include "common/log.hpp"

namespace khaacho::services {

caf::expected<sweep_report> sweep_expired_images(const db_client& db,
                                                 storage::blob_storage& storage,
                                                 int64_t retention_days, int64_t batch) {
  auto rows = db.query({"SELECT id::text AS id, image_key FROM uploaded_orders"
                        " WHERE image_deleted_at IS NULL"
                        " AND created_at < now() - make_interval(days => $1::int)"
                        " ORDER BY created_at LIMIT $2::int",
                        db::pg_params(retention_days, batch)});
  if (!rows)
    return rows.error();
  sweep_report report;
  for (size_t i = 0; i < rows->size(); ++i) {
    auto row = rows->row(i);
    auto id = row.get<std::string>("id");
    auto key = row.get<std::string>("image_key");
    ++report.examined;
    auto removed = storage.remove(key);
    if (!removed) {
      ++report.failed;
      log::warn("image sweep could not delete a blob",
                {{"order_id", id}, {"key", key}, {"error", describe(removed.error())}});
      continue;
    }
    ++(*removed ? report.deleted : report.missing);
    auto marked = db.query({"UPDATE uploaded_orders SET image_deleted_at = now()"
                            " WHERE id = $1::uuid AND image_deleted_at IS NULL",
                            db::pg_params(id)});
    if (!marked)
      return marked.error();
  }
  if (report.examined > 0)
    log::info("image sweep", {{"examined", std::to_string(report.examined)},
                              {"deleted", std::to_string(report.deleted)},
                              {"missing", std::to_string(report.missing)},
                              {"failed", std::to_string(report.failed)}});
  return report;
}

}  // namespace khaacho::services
