// A detached actor that owns one PostgreSQL connection and runs statements on it.
#pragma once

#include <string>

#include "actors/db_protocol.hpp"
#include "adapters/db/pg_connection.hpp"

namespace khaacho {

struct db_worker_state {
  std::string url;
  db::pg_options options;
  caf::optional<db::pg_connection> conn;  ///< opened lazily, re-opened after failures
  static inline const char* name = "db_worker";
};

/// Must be spawned with caf::detached: every handler blocks on libpq.
db_worker_actor::behavior_type
db_worker(db_worker_actor::stateful_pointer<db_worker_state> self, std::string url,
          db::pg_options options);

}  // namespace khaacho
