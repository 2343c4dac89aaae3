// One supervisor per order in flight: the order's state machine.
//
//   claimed ─▶ next stage without checkpoint ─▶ ask its gate (waiting) ─▶ started (running)
//      ▲                                   │                                   │
//      │               backoff ◀─ transient failure (attempt row, next_attempt_at)
//      └──── checkpoint (fenced write) ◀── result                 permanent / exhausted ─▶ FAILED
//   all stages checkpointed ─▶ COMPLETED, or PENDING_REVIEW while any item is flagged
//   (its sure items' RFQs went out first);  a stage asks for review ─▶ PENDING_REVIEW
//
// It never blocks: database writes go to the pool as requests, waits are
// timers. A write refused by the lease fence means another node owns the
// order now: the supervisor stops without further side effects.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>

#include "actors/db_protocol.hpp"
#include "actors/stage_gate.hpp"
#include "model/retry_backoff.hpp"

namespace khaacho {

struct pipeline_stage_slot {
  std::string name;
  gate_actor gate;
  model::backoff_policy backoff;
  int32_t max_attempts = 3;
};

/// Shared by every supervisor of a node.
struct supervisor_config {
  std::string node;
  db_pool_actor pool;
  std::vector<pipeline_stage_slot> stages;  ///< in pipeline order
  std::chrono::seconds lease{60};
  std::chrono::milliseconds max_processing_time{24 * 3600 * 1000};
  // Pool requests carry no timeout: the pool's workers answer within their
  // own statement deadline (a dead pool answers request_receiver_down), while
  // CAF 0.17 keeps every request timeout alive until it expires (memory and a
  // late message per write).
};

/// An order as the claim statement hands it over.
struct claimed_order {
  std::string id;
  std::string retailer_id;
  int64_t lease_epoch = 0;
  int64_t round_started_ms = 0;  ///< epoch ms: the processing deadline counts from here
  int64_t wait_ms = 0;           ///< backoff left from before the claim
  std::map<std::string, std::string> checkpoints;
  /// stage → (highest attempt number so far, attempts in this round)
  std::map<std::string, std::pair<int32_t, int32_t>> attempts;
  /// The claim row's trace_id column ("" when NULL). nullopt when the
  /// claimer did not pass it on: the supervisor then reads it itself (one
  /// statement) before the first stage.
  std::optional<std::string> trace_id;
};

/// What the inspector shows of a live supervisor.
struct supervisor_snapshot {
  std::string order_id;
  std::string retailer_id;
  std::string node;
  std::string stage;
  int32_t attempt = 0;
  std::string state;     ///< waiting | running | backoff | writing
  int64_t since_ms = 0;  ///< epoch ms of the last state change
  std::string last_error;
  int64_t next_attempt_ms = 0;  ///< epoch ms, while in backoff
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, supervisor_snapshot& x) {
  return f(caf::meta::type_name("supervisor_snapshot"), x.order_id, x.retailer_id, x.node, x.stage,
           x.attempt, x.state, x.since_ms, x.last_error, x.next_attempt_ms);
}

/// Spawns the supervisor of `order`; it reports (state, supervisor_snapshot)
/// to `registry` on every change, and understands (shutdown), (cancel) and
/// (runnow) from it.
caf::actor spawn_order_supervisor(caf::actor_system& sys, std::shared_ptr<const supervisor_config> cfg,
                                  caf::actor registry, claimed_order order);

}  // namespace khaacho
