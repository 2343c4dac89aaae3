// The live pipeline of this node as the admin API sees it: snapshots of the
// registry's supervisors and of each stage gate, and the operator actions.
// BLOCKING: every call waits on an actor (bounded by `timeout`); call it from
// HTTP handler threads, never from a CAF actor.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include "actors/order_registry.hpp"
#include "actors/pipeline.hpp"

namespace khaacho::services {

/// One gate's counters and the order ids queued there, in dispatch order.
struct gate_view {
  gate_stats stats;
  std::vector<std::string> waiting;
};

class pipeline_control {
public:
  /// `p` is null on a node that runs no pipeline; it must outlive this.
  pipeline_control(caf::actor_system& sys, const pipeline* p, std::chrono::milliseconds timeout)
    : sys_(&sys), pipe_(p), timeout_(timeout) {
  }

  /// False when this node runs no pipeline (every other call then fails
  /// with errc::unavailable).
  bool enabled() const noexcept { return pipe_ != nullptr; }

  /// True when `stage` names one of the six stages.
  static bool known_stage(const std::string& stage);

  caf::expected<std::vector<supervisor_snapshot>> supervisors() const;
  caf::expected<registry_stats> registry() const;
  /// Every gate in pipeline order.
  caf::expected<std::vector<gate_view>> gates() const;

  /// Operator actions; true when the order was in the needed state (FAILED
  /// for retry, PROCESSING for cancel, in backoff or unowned for run-now).
  caf::expected<bool> retry(const std::string& order_id) const;
  caf::expected<bool> cancel(const std::string& order_id) const;
  caf::expected<bool> run_now(const std::string& order_id) const;

  /// Holds or releases `stage`'s gate; answers its counters afterwards.
  /// Precondition: known_stage(stage).
  caf::expected<gate_stats> pause(const std::string& stage) const;
  caf::expected<gate_stats> resume(const std::string& stage) const;

private:
  caf::expected<gate_stats> hold(const std::string& stage, bool paused) const;

  caf::actor_system* sys_;
  const pipeline* pipe_;
  std::chrono::milliseconds timeout_;
};

}  // namespace khaacho::services
