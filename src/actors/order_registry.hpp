// One registry per node: admits orders into the pipeline, one supervisor
// each, at most max_in_flight at a time. Everything else waits in the
// database as an unowned PROCESSING order and is claimed (lease, FOR UPDATE
// SKIP LOCKED), oldest first, as capacity frees up, on a periodic tick and
// whenever an upload arrives. It renews the leases of its live orders in one
// statement per interval, answers snapshots of its supervisors for the
// inspector, carries out operator actions, and shuts down gracefully.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/meta/type_name.hpp>

#include "actors/order_supervisor.hpp"

namespace khaacho {

struct registry_config {
  std::shared_ptr<const supervisor_config> supervisors;
  int64_t max_in_flight = 64;
  std::chrono::milliseconds claim_interval{1000};
  /// Cluster mode (both set, or neither). The registry asks `stream` (the
  /// stream consumer) for as many orders as it has room for, claims them
  /// by id, and tells `link` (the cluster link) to acknowledge an entry when
  /// its order's supervisor ends, and to publish an order a retry resumed.
  caf::actor stream;
  caf::actor link;
  /// Cluster mode: the database claim takes unowned orders only once they
  /// are this old (the stream hands out younger ones); expired leases always.
  /// While the stream cannot be read, it takes every unowned order.
  std::chrono::milliseconds orphan_age{60000};
  /// Longest wait for the stream consumer's answer (it blocks on Redis).
  std::chrono::milliseconds fetch_timeout{15000};
};

/// Counters of a registry, for /metrics and /admin.
struct registry_stats {
  int64_t in_flight = 0;
  int64_t claimed = 0;     ///< orders claimed since start
  int64_t finished = 0;    ///< supervisors that ended
  int64_t claim_rounds = 0;
  bool accepting = true;
  int64_t max_in_flight = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, registry_stats& x) {
  return f(caf::meta::type_name("registry_stats"), x.in_flight, x.claimed, x.finished,
           x.claim_rounds, x.accepting, x.max_in_flight);
}

/// Messages (untyped actor):
///   (accepted, order_id)            an upload was stored: claim now (in
///                                   cluster mode uploads go to the stream
///                                   instead, and this only claims)
///   (claim)                         claim now
///   (snapshot) → std::vector<supervisor_snapshot>
///   (stats) → registry_stats
///   (retry, order_id) → bool        FAILED → PROCESSING from its last checkpoint
///   (cancel, order_id) → bool       PROCESSING → FAILED "cancelled"
///   (runnow, order_id) → bool       skip a waiting order's backoff (false
///                                   when its supervisor here is not in
///                                   backoff: queued, running or writing)
///   (shutdown) → bool               stop admitting, let running attempts
///                                   finish, release leases; true when done
/// The bool answers are false when the order was not in the needed state.
caf::actor spawn_order_registry(caf::actor_system& sys, registry_config cfg);

}  // namespace khaacho
