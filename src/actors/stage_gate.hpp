// One gate per stage: holds the stage's limits (max_concurrent, max_per_second
// as a token bucket), queues waiting attempts fairly across retailers, cuts
// attempts off at the stage timeout, and breaks the circuit when most recent
// attempts failed transiently. The gate never blocks; the stage behind it
// does the work.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/typed_actor.hpp>

#include "actors/stage_protocol.hpp"
#include "model/circuit_breaker.hpp"

namespace khaacho {

struct gate_config {
  std::string stage;
  int64_t max_concurrent = 10;
  double max_per_second = 50.0;
  std::chrono::milliseconds timeout{60000};
  model::circuit_policy circuit;
};

/// Counters of one gate, for /metrics and /admin.
struct gate_stats {
  std::string stage;
  int64_t queued = 0;
  int64_t running = 0;
  int64_t dispatched = 0;
  int64_t succeeded = 0;
  int64_t failed_transient = 0;  ///< includes timeouts and crashes
  int64_t failed_permanent = 0;
  int64_t timed_out = 0;
  int64_t circuit_trips = 0;
  std::string circuit = "closed";
  bool paused = false;
  int64_t max_concurrent = 0;  ///< the gate's limits, for operators
  double max_per_second = 0.0;
  double tokens = 0.0;         ///< left in the rate bucket now
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, gate_stats& x) {
  return f(caf::meta::type_name("gate_stats"), x.stage, x.queued, x.running, x.dispatched,
           x.succeeded, x.failed_transient, x.failed_permanent, x.timed_out, x.circuit_trips,
           x.circuit, x.paused, x.max_concurrent, x.max_per_second, x.tokens);
}

/// Supervisors send (run, request) and get the stage's answer; when the
/// attempt actually starts the gate tells the sender (started, order id,
/// attempt). (cancel, order id) withdraws a queued or running attempt.
/// (snapshot) lists the order ids waiting in the queue in the order they
/// will be dispatched (an order's queue position is its index + 1).
using gate_actor = caf::typed_actor<
  caf::replies_to<run_atom, stage_request>::with<stage_result>,
  caf::reacts_to<cancel_atom, std::string>,
  caf::reacts_to<pause_atom>,
  caf::reacts_to<resume_atom>,
  caf::reacts_to<dispatch_atom>,
  caf::replies_to<stats_atom>::with<gate_stats>,
  caf::replies_to<snapshot_atom>::with<std::vector<std::string>>>;

/// Makes the stage actor; called again when the stage actor dies (killed,
/// or an exception in a non-detached stage), so the stage is supervised.
using stage_factory = std::function<stage_actor()>;

gate_actor spawn_stage_gate(caf::actor_system& sys, gate_config cfg, stage_factory factory);

}  // namespace khaacho
