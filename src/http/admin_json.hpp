// JSON shapes of the admin API's live state (camelCase, RFC 3339 times).
#pragma once

#include <string>

#include "actors/order_registry.hpp"
#include "actors/stage_gate.hpp"
#include "services/actor_listing.hpp"

namespace khaacho::http {

/// {orderId, retailerId, node, stage, attempt, state, since, lastError,
///  nextAttemptAt, queuePosition, stagePaused}; absent values are null.
std::string actor_json(const services::actor_entry& e);

/// {stage, running, queued, maxConcurrent, maxPerSecond, tokens, paused,
///  circuit, circuitTrips, dispatched, succeeded, failedTransient,
///  failedPermanent, timedOut}
std::string gate_json(const gate_stats& s);

/// {inFlight, maxInFlight, claimed, finished, accepting}
std::string registry_json(const registry_stats& s);

}  // namespace khaacho::http
