// Cluster mode: the node's writer to Redis, a detached actor (hiredis calls
// block) with its own connection, apart from the stream consumer whose reads
// may wait for new entries. It appends accepted orders to the stream,
// acknowledges the entries of finished orders, keeps the node's heartbeat key
// alive, and reads every node's heartbeat for the admin API.
#pragma once

#include <chrono>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "adapters/redis/order_stream.hpp"

namespace khaacho {

struct cluster_link_config {
  model::redis_endpoint endpoint;
  redis::stream_names names;
  std::string consumer;  ///< the stream consumer's name, shown in the heartbeat
  std::string node;
  std::string address;   ///< host:port of this node's HTTP server
  std::string role;      ///< serve | worker
  int64_t started_ms = 0;
  std::chrono::milliseconds heartbeat_interval{5000};
};

/// Messages:
///   (publish, order_id)          XADD; when Redis cannot take it, the
///                                order is claimed by the local registry
///                                instead (it waits in the database: nothing lost)
///   (ack, vector<entry_id>)      XACK (failures are left to XAUTOCLAIM)
///   (cluster) → vector<string>   every live node's heartbeat (JSON); error
///                                errc::upstream_unavailable when Redis is down
///   (shutdown) → bool            deletes this node's heartbeat
///   (join, registry)             the node's registry, asked for its stats
///                                and snapshots every heartbeat interval
///                                (without one the heartbeat shows no
///                                capacity: a node that runs no pipeline)
caf::actor spawn_cluster_link(caf::actor_system& sys, cluster_link_config cfg);

}  // namespace khaacho
