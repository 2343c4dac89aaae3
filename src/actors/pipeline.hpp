// Assembles a node's pipeline: one gate per stage in front of the stage's
// actor, and the order registry whose supervisors drive orders through them.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/db_protocol.hpp"
#include "actors/stage_gate.hpp"
#include "config/settings.hpp"

namespace khaacho {

struct pipeline {
  caf::actor registry;
  std::vector<gate_actor> gates;  ///< in pipeline order
};

/// Cluster mode's actors the registry works with (both empty: single node).
struct pipeline_cluster {
  caf::actor stream;  ///< the stream consumer
  caf::actor link;    ///< the cluster link
  /// How long the stream consumer waits for new entries in one fetch.
  std::chrono::milliseconds fetch_block{1000};
};

/// Starts gates and the registry. `stages` must hold a factory for each of
/// the six pipeline stages (errc::bad_input naming the missing one). With
/// `cluster` set the registry takes its work from the stream.
caf::expected<pipeline> start_pipeline(caf::actor_system& sys, db_pool_actor pool,
                                       const config::settings& s, const std::string& node,
                                       std::map<std::string, stage_factory> stages,
                                       pipeline_cluster cluster = {});

/// A stage's max_concurrent, with 0 meaning one per core.
int64_t resolved_concurrency(const config::stage_policy& policy);

/// Graceful stop from a non-CAF thread (BLOCKS up to `grace`): no more
/// claims, running attempts finish and are checkpointed, leases are
/// released; then gates and stages stop. False when the grace ran out.
bool stop_pipeline(caf::actor_system& sys, pipeline& p, std::chrono::milliseconds grace);

}  // namespace khaacho
