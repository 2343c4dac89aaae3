// The database pool: a cooperative gate in front of N detached db_workers.
//
//   caller --query--> [db_pool gate] --request--> idle db_worker (detached, owns PGconn)
//                      queue (FIFO)   <--result--
//                      idle / busy lists; a dead worker is replaced
//
// The gate never blocks: it only queues and forwards. Each worker blocks on
// libpq in its own thread, with its own statement deadline.
#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/db_protocol.hpp"
#include "adapters/db/pg_connection.hpp"

namespace khaacho {

struct db_pool_config {
  std::string url;
  int64_t size = 4;
  db::pg_options options;
};

struct db_pool_state {
  struct job {
    std::vector<db::pg_statement> statements;
    bool transaction = false;
    std::variant<caf::typed_response_promise<db::pg_result>,
                 caf::typed_response_promise<std::vector<db::pg_result>>>
      promise;
    std::chrono::steady_clock::time_point enqueued;
  };

  db_pool_config config;
  std::vector<db_worker_actor> idle;
  std::vector<db_worker_actor> busy;
  std::deque<job> queue;
  db_pool_stats stats;
  /// Set once the pool is told to exit: it then waits for its workers' down
  /// messages before it quits (as the blocking stages' fronts do).
  std::optional<caf::error> stopping;
  static inline const char* name = "db_pool";

  ~db_pool_state();
};

/// Spawn normally (event-based); it spawns its detached workers itself.
db_pool_actor::behavior_type db_pool(db_pool_actor::stateful_pointer<db_pool_state> self,
                                     db_pool_config config);

}  // namespace khaacho
