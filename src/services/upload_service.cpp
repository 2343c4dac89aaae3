#include "services/upload_service.hpp"

#include <ctime>

#include "common/digest.hpp"
#include "common/errc.hpp"
#include "common/log.hpp"
#include "model/order_paging.hpp"

namespace khaacho::services {

namespace {

constexpr const char* answer_columns =
  "id::text AS id, status::text AS status, image_url, image_key, "
  "khaacho_rfc3339(created_at) AS created_at";

upload_answer answer_from(const db::pg_row& row, upload_outcome outcome) {
  upload_answer a;
  a.outcome = outcome;
  a.id = row.get<std::string>("id");
  a.status = row.get<std::string>("status");
  a.image_url = row.get<std::string>("image_url");
  a.image_key = row.get<std::string>("image_key");
  a.created_at = row.get<std::string>("created_at");
  return a;
}

std::string utc_date_today() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
  return buf;
}


}  // namespace

upload_service::upload_service(db_client db, storage::blob_storage& storage,
                               std::chrono::seconds duplicate_window,
                               accepted_callback on_accepted)
  : db_(std::move(db)),
    storage_(&storage),
    duplicate_window_(duplicate_window),
    on_accepted_(std::move(on_accepted)) {
}

caf::expected<upload_answer>
upload_service::find_by_idempotency_key(const upload_request& req) const {
  auto rows = db_.query({std::string{"SELECT "} + answer_columns
                           + " FROM uploaded_orders WHERE retailer_id = $1::uuid"
                             " AND idempotency_key = $2",
                         db::pg_params(req.retailer_id, req.idempotency_key)});
  if (!rows)
    return rows.error();
  if (rows->empty())
    return caf::make_error(errc::not_found);
  return answer_from(rows->row(0), upload_outcome::replayed);
}

caf::expected<upload_answer> upload_service::find_duplicate(const upload_request& req,
                                                            const std::string& sha256) const {
  auto rows = db_.query(
    {std::string{"SELECT "} + answer_columns
       + " FROM uploaded_orders WHERE retailer_id = $1::uuid AND image_sha256 = $2"
         " AND created_at > now() - make_interval(secs => $3::bigint)"
         " ORDER BY created_at DESC LIMIT 1",
     db::pg_params(req.retailer_id, sha256, static_cast<int64_t>(duplicate_window_.count()))});
  if (!rows)
    return rows.error();
  if (rows->empty())
    return caf::make_error(errc::not_found);
  return answer_from(rows->row(0), upload_outcome::duplicate);
}

caf::expected<upload_answer> upload_service::accept(const upload_request& req) const {
  if (!req.idempotency_key.empty()) {
    auto seen = find_by_idempotency_key(req);
    if (seen || !has_code(seen.error(), errc::not_found))
      return seen;
  }
  auto sha256 = sha256_hex(req.image);
  if (!req.allow_duplicate && duplicate_window_.count() > 0) {
    auto dup = find_duplicate(req, sha256);
    if (dup || !has_code(dup.error(), errc::not_found))
      return dup;
  }

  // The id is chosen here so the image key can carry it before the row exists.
  auto id = random_uuid();
  auto format = req.format;
  auto key = model::order_image_key(utc_date_today(), id, model::extension(format));
  if (auto stored = storage_->put(key, req.image, model::mime_type(format)); !stored)
    return stored.error();
  auto url = storage_->url_for(key);

  auto inserted = db_.query(
    {std::string{"INSERT INTO uploaded_orders (id, retailer_id, image_key, image_url,"
                 " image_sha256, image_content_type, image_size, idempotency_key, trace_id)"
                 " VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7::bigint, $8, $9)"
                 " ON CONFLICT ON CONSTRAINT uploaded_orders_retailer_idempotency_key DO NOTHING"
                 " RETURNING "}
       + answer_columns,
     db::pg_params(id, req.retailer_id, key, url, sha256, std::string{model::mime_type(format)},
                   static_cast<int64_t>(req.image.size()),
                   req.idempotency_key.empty() ? std::optional<std::string>{}
                                               : std::optional<std::string>{req.idempotency_key},
                   req.trace_id.empty() ? std::optional<std::string>{}
                                        : std::optional<std::string>{req.trace_id})});
  if (!inserted && is_transient(inserted.error())) {
    // The INSERT may have committed before the connection or the deadline
    // broke: look before deleting the image of a row that exists.
    auto row = db_.query({std::string{"SELECT "} + answer_columns
                            + " FROM uploaded_orders WHERE id = $1::uuid",
                          db::pg_params(id)});
    if (!row) {
      log::error("upload outcome unknown; keeping its image",
                 {{"key", key}, {"error", describe(row.error())}, {"request_id", req.request_id}});
      return inserted.error();
    }
    if (!row->empty())
      inserted = std::move(row);
  }
  if (!inserted || inserted->empty()) {
    // Compensate: no row, so no blob either.
    if (auto removed = storage_->remove(key); !removed)
      log::error("could not delete the image of a failed upload",
                 {{"key", key}, {"error", describe(removed.error())}});
    if (!inserted)
      return inserted.error();
    // A concurrent upload with the same Idempotency-Key won the race.
    return find_by_idempotency_key(req);
  }
  auto answer = answer_from(inserted->row(0), upload_outcome::created);
  log::info("order accepted", {{"order_id", answer.id},
                               {"retailer_id", req.retailer_id},
                               {"image_key", key},
                               {"bytes", std::to_string(req.image.size())},
                               {"request_id", req.request_id}});
  if (on_accepted_)
    on_accepted_(answer.id);
  return answer;
}

}  // namespace khaacho::services
