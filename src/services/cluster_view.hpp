// The whole cluster as /admin/cluster and /admin/actors?scope=cluster see
// it: every live node's heartbeat, read from Redis through the cluster link.
// BLOCKING (bounded by `timeout`): call it from HTTP handler threads only.
#pragma once

#include <chrono>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include "actors/order_supervisor.hpp"
#include "model/node_heartbeat.hpp"

namespace khaacho::services {

class cluster_view {
public:
  /// `link` is the cluster link, or null on a single node.
  cluster_view(caf::actor_system& sys, caf::actor link, std::chrono::milliseconds timeout)
    : sys_(&sys), link_(std::move(link)), timeout_(timeout) {
  }

  /// False on a single node (REDIS_URL unset).
  bool enabled() const noexcept { return static_cast<bool>(link_); }

  /// Every node whose heartbeat key lives, ordered by node id. Errors:
  /// errc::upstream_unavailable (Redis down), sec::request_timeout.
  caf::expected<std::vector<model::node_heartbeat>> nodes() const;

  /// Every live supervisor of the cluster, as the heartbeats last told
  /// (stage, state, attempt and since only; node set).
  caf::expected<std::vector<supervisor_snapshot>> supervisors() const;

private:
  caf::actor_system* sys_;
  caf::actor link_;
  std::chrono::milliseconds timeout_;
};

}  // namespace khaacho::services
