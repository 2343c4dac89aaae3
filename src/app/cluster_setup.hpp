// Cluster mode at start-up (REDIS_URL set): the stream consumer and the
// cluster link of this node, named uniquely per start, and their stop.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include "actors/pipeline.hpp"
#include "config/settings.hpp"

namespace khaacho::app {

struct cluster_node {
  caf::actor stream;  ///< the stream consumer (given to the registry)
  caf::actor link;    ///< the cluster link
  std::string consumer;
  std::chrono::milliseconds fetch_block{1000};
  pipeline_cluster for_pipeline() const;
};

/// Starts both actors when `s.cluster.redis_url` is set (nullopt when it is
/// not); errc::bad_input for a malformed URL. Does not wait for Redis: the
/// actors connect on first use and keep retrying with backoff.
/// `address`: host:port of this node's HTTP server; `role`: serve | worker.
caf::expected<std::optional<cluster_node>> start_cluster(caf::actor_system& sys,
                                                         const config::settings& s,
                                                         const std::string& node,
                                                         const std::string& role,
                                                         const std::string& address);

/// Tells `registry` (may be null) to the link, which reports it in heartbeats.
void join_cluster(const cluster_node& c, const caf::actor& registry);

/// BLOCKS up to `timeout`: deletes the node's heartbeat, then stops both actors.
void stop_cluster(caf::actor_system& sys, cluster_node& c, std::chrono::milliseconds timeout);

/// host:port other nodes and operators can reach this node's HTTP server
/// at (the host name when it listens on every address).
std::string advertised_address(const config::settings& s);

/// The stream's consumer name for this start: node id, start time, pid.
std::string consumer_name(const std::string& node);

}  // namespace khaacho::app
