#include "actors/db_call.hpp"

#include <caf/scoped_actor.hpp>

#include "actors/inspect_db.hpp"

namespace khaacho {

caf::expected<db::pg_result> db_client::query(db::pg_statement stmt) const {
  caf::scoped_actor self{*sys_};
  caf::expected<db::pg_result> out{caf::make_error(caf::sec::request_timeout)};
  self->request(pool_, caf::duration{timeout_}, query_atom::value, std::move(stmt))
    .receive([&](db::pg_result& r) { out = std::move(r); },
             [&](caf::error& e) { out = std::move(e); });
  return out;
}

caf::expected<std::vector<db::pg_result>>
db_client::transact(std::vector<db::pg_statement> stmts) const {
  caf::scoped_actor self{*sys_};
  caf::expected<std::vector<db::pg_result>> out{caf::make_error(caf::sec::request_timeout)};
  self->request(pool_, caf::duration{timeout_}, transact_atom::value, std::move(stmts))
    .receive([&](std::vector<db::pg_result>& r) { out = std::move(r); },
             [&](caf::error& e) { out = std::move(e); });
  return out;
}

}  // namespace khaacho
