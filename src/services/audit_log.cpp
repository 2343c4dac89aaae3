#include "services/audit_log.hpp"

namespace khaacho::services {

namespace {

constexpr const char* insert_sql = R"SQL(
INSERT INTO admin_audit_log (actor_sub, actor_role, action, target, outcome, http_status, detail,
                             request_id)
VALUES ($1, $2, $3, $4, $5, $6::int, $7, $8)
)SQL";

constexpr const char* list_sql = R"SQL(
SELECT json_build_object(
  'id', id,
  'at', khaacho_rfc3339(at),
  'sub', actor_sub,
  'role', actor_role,
  'action', action,
  'target', target,
  'outcome', outcome,
  'httpStatus', http_status,
  'detail', detail,
  'requestId', request_id
)::text AS doc, id
FROM admin_audit_log
WHERE ($1::bigint IS NULL OR id < $1::bigint) AND ($2::text IS NULL OR target = $2::text)
ORDER BY id DESC
LIMIT $3::int
)SQL";

std::optional<std::string> or_null(const std::string& s) {
  if (s.empty())
    return std::nullopt;
  return s;
}

}  // namespace

caf::expected<void> audit_log::record(const audit_entry& e) const {
  auto r = db_.query({insert_sql, db::pg_params(e.actor_sub, e.actor_role, e.action, e.target,
                                                e.outcome, int64_t{e.http_status},
                                                or_null(e.detail), or_null(e.request_id))});
  if (!r)
    return r.error();
  return caf::unit;
}

caf::expected<audit_page> audit_log::list(int limit, std::optional<int64_t> before,
                                          std::optional<std::string> target) const {
  auto rows = db_.query({list_sql, db::pg_params(before, target, int64_t{limit} + 1)});
  if (!rows)
    return rows.error();
  audit_page page;
  for (size_t i = 0; i < rows->size() && static_cast<int>(i) < limit; ++i)
    page.items.push_back(rows->row(i).get<std::string>("doc"));
  if (static_cast<int>(rows->size()) > limit)
    page.next = rows->row(static_cast<size_t>(limit) - 1).get<int64_t>("id");
  return page;
}

}  // namespace khaacho::services
