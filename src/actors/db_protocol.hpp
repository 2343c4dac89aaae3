// The database pool's interface: a gate that queues statements and hands them
// to detached workers, each owning one connection.
#pragma once

#include <cstdint>
#include <vector>

#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/inspect_db.hpp"
#include "adapters/db/pg_result.hpp"

namespace khaacho {

/// Counters of the pool, for /metrics and /admin.
struct db_pool_stats {
  int64_t size = 0;            ///< workers alive
  int64_t busy = 0;            ///< workers running a statement
  int64_t queued = 0;          ///< requests waiting for a worker
  int64_t served = 0;          ///< requests answered since start
  int64_t failed = 0;          ///< requests answered with an error
  int64_t wait_us_total = 0;   ///< time requests spent queued, summed
  int64_t wait_us_max = 0;     ///< longest queueing time seen
  int64_t worker_restarts = 0; ///< workers replaced after dying
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, db_pool_stats& x) {
  return f(caf::meta::type_name("db_pool_stats"), x.size, x.busy, x.queued, x.served, x.failed,
           x.wait_us_total, x.wait_us_max, x.worker_restarts);
}

/// What a worker answers: one statement, or several in one transaction.
/// Errors: errc::db_unavailable, errc::timeout (transient), errc::db_query_failed.
using db_worker_actor = caf::typed_actor<
  caf::replies_to<query_atom, db::pg_statement>::with<db::pg_result>,
  caf::replies_to<transact_atom, std::vector<db::pg_statement>>::with<std::vector<db::pg_result>>>;

/// The pool as callers see it: same requests, plus its counters.
using db_pool_actor = db_worker_actor::extend<
  caf::replies_to<stats_atom>::with<db_pool_stats>>;

}  // namespace khaacho
