// Gauges read at scrape time from the live runtime: each stage gate's queue,
// running attempts, pause and circuit state (the gates' (stats) answers), the
// database pool's queue and busy workers, and the cluster-wide count of
// PROCESSING orders (one index-only statement on the claim index).
// BLOCKING: call from HTTP handler threads, never from CAF's scheduler. Every
// wait is bounded by `timeout`; a part that does not answer in time is left
// out of the scrape instead of delaying it.
#pragma once

#include <chrono>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/db_call.hpp"
#include "actors/db_protocol.hpp"
#include "actors/stage_gate.hpp"
#include "common/metrics.hpp"

namespace khaacho::services {

class runtime_metrics {
public:
  /// `gates` may be empty (no pipeline on this node).
  runtime_metrics(caf::actor_system& sys, db_pool_actor pool, std::vector<gate_actor> gates,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds{1000});

  /// Appends the scrape-time families to `out`.
  void collect(metrics::text_writer& out) const;

private:
  void collect_gates(metrics::text_writer& out) const;
  void collect_pool(metrics::text_writer& out) const;
  void collect_orders(metrics::text_writer& out) const;

  caf::actor_system* sys_;
  db_pool_actor pool_;
  std::vector<gate_actor> gates_;
  std::chrono::milliseconds timeout_;
  db_client db_;
};

}  // namespace khaacho::services
