// Cluster mode: the node's reader of the order stream, a detached actor (its
// hiredis calls block) with its own connection. The registry asks it for at
// most as many orders as it has room for — the stream's backpressure: a
// full node reads nothing and the entries stay for the others.
#pragma once

#include <chrono>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "adapters/redis/order_stream.hpp"

namespace khaacho {

struct stream_consumer_config {
  model::redis_endpoint endpoint;
  redis::stream_names names;
  std::string consumer;  ///< unique per node start
  /// Entries pending this long in any consumer are reclaimed (XAUTOCLAIM):
  /// the lease time, after which the database lets another node take the order.
  std::chrono::milliseconds reclaim_idle{60000};
  /// How often a fetch first looks for such entries.
  std::chrono::milliseconds reclaim_interval{5000};
  /// How long a fetch waits for new entries when there are none.
  std::chrono::milliseconds block{1000};
};

/// Messages:
///   (fetch, int64 count) → std::vector<redis::stream_entry>
///       reclaimed entries of dead consumers first (when due), then new ones;
///       waits up to `block` when there is nothing. Error
///       errc::upstream_unavailable while Redis cannot be reached (answered
///       at once while waiting to reconnect).
/// Spawned detached; stop it with an exit message.
caf::actor spawn_stream_consumer(caf::actor_system& sys, stream_consumer_config cfg);

}  // namespace khaacho
