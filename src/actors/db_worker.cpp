// Runs statements on the worker's own connection; connects lazily and again
// after the server went away, so the pool outlives a PostgreSQL restart.
#include "actors/db_worker.hpp"

#include <caf/typed_event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

namespace khaacho {

namespace {

/// The connection, opened if needed. Errors: errc::db_unavailable.
caf::expected<db::pg_connection*> connection(db_worker_state& st) {
  if (!st.conn) {
    auto opened = db::pg_connection::open(st.url, st.options);
    if (!opened)
      return opened.error();
    st.conn = std::move(*opened);
  }
  return &*st.conn;
}

}  // namespace

db_worker_actor::behavior_type
db_worker(db_worker_actor::stateful_pointer<db_worker_state> self, std::string url,
          db::pg_options options) {
  self->state.url = std::move(url);
  self->state.options = std::move(options);
  return {
    [self](query_atom, const db::pg_statement& stmt) -> caf::result<db::pg_result> {
      auto conn = connection(self->state);
      if (!conn)
        return conn.error();
      auto res = (*conn)->exec(stmt);
      if (!res)
        return res.error();
      return std::move(*res);
    },
    [self](transact_atom,
           const std::vector<db::pg_statement>& stmts) -> caf::result<std::vector<db::pg_result>> {
      auto conn = connection(self->state);
      if (!conn)
        return conn.error();
      auto res = (*conn)->exec_transaction(stmts);
      if (!res)
        return res.error();
      return std::move(*res);
    },
  };
}

}  // namespace khaacho
