#include "services/webhook_service.hpp"

#include "common/digest.hpp"

namespace khaacho::services {

namespace {

// One statement decides between created, duplicate and too many. Two
// concurrent registrations of one URL meet at the unique constraint (ON
// CONFLICT answers "duplicate"); the count may let one concurrent extra in,
// which the limit tolerates.
constexpr const char* create_sql = R"SQL(
WITH mine AS (
  SELECT count(*) AS n, coalesce(bool_or(url = $2), false) AS dup
  FROM webhooks WHERE retailer_id = $1::uuid),
ins AS (
  INSERT INTO webhooks (retailer_id, url, secret)
  SELECT $1::uuid, $2, $3 FROM mine WHERE NOT mine.dup AND mine.n < $4::bigint
  ON CONFLICT (retailer_id, url) DO NOTHING
  RETURNING id::text AS id, khaacho_rfc3339(created_at) AS created_at)
SELECT ins.id, ins.created_at, mine.n, mine.dup FROM mine LEFT JOIN ins ON true
)SQL";

constexpr const char* list_sql = R"SQL(
SELECT id::text AS id, retailer_id::text AS retailer_id, url,
       khaacho_rfc3339(created_at) AS created_at
FROM webhooks WHERE retailer_id = $1::uuid ORDER BY created_at, id
)SQL";

constexpr const char* remove_sql = R"SQL(
DELETE FROM webhooks WHERE id = $1::uuid AND ($2::uuid IS NULL OR retailer_id = $2::uuid)
)SQL";

}  // namespace

caf::expected<webhook_created> webhook_service::create(const std::string& retailer_id,
                                                       const std::string& url) const {
  auto secret = "whsec_" + random_token(32);
  auto r = db_.query({create_sql, db::pg_params(retailer_id, url, secret,
                                                max_webhooks_per_retailer)});
  if (!r)
    return r.error();
  auto row = r->row(0);
  webhook_created out;
  if (row.is_null("id")) {
    out.outcome = !row.get<bool>("dup") && row.get<int64_t>("n") >= max_webhooks_per_retailer
                    ? webhook_create_outcome::too_many
                    : webhook_create_outcome::duplicate;
    return out;
  }
  out.record = {row.get<std::string>("id"), retailer_id, url, row.get<std::string>("created_at")};
  out.secret = std::move(secret);
  return out;
}

caf::expected<std::vector<webhook_record>>
webhook_service::list(const std::string& retailer_id) const {
  auto r = db_.query({list_sql, db::pg_params(retailer_id)});
  if (!r)
    return r.error();
  std::vector<webhook_record> out;
  for (size_t i = 0; i < r->size(); ++i) {
    auto row = r->row(i);
    out.push_back({row.get<std::string>("id"), row.get<std::string>("retailer_id"),
                   row.get<std::string>("url"), row.get<std::string>("created_at")});
  }
  return out;
}

caf::expected<bool> webhook_service::remove(const std::string& id,
                                            const std::optional<std::string>& retailer_id) const {
  auto r = db_.query({remove_sql, db::pg_params(id, retailer_id)});
  if (!r)
    return r.error();
  return r->affected_rows > 0;
}

}  // namespace khaacho::services
