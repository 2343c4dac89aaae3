#include "http/admin_json.hpp"

#include <cmath>

#include "common/json_writer.hpp"
#include "model/rfc3339.hpp"

namespace khaacho::http {

std::string actor_json(const services::actor_entry& e) {
  const auto& s = e.snapshot;
  json_object o;
  o.add("orderId", s.order_id)
    .add("retailerId", s.retailer_id)
    .add("node", s.node)
    .add_or_null("stage", s.stage)
    .add("attempt", int64_t{s.attempt})
    .add("state", s.state);
  if (s.since_ms > 0)
    o.add("since", model::rfc3339_from_epoch_ms(s.since_ms));
  else
    o.add_null("since");
  o.add_or_null("lastError", s.last_error);
  if (s.state == "backoff" && s.next_attempt_ms > 0)
    o.add("nextAttemptAt", model::rfc3339_from_epoch_ms(s.next_attempt_ms));
  else
    o.add_null("nextAttemptAt");
  if (e.queue_position > 0)
    o.add("queuePosition", e.queue_position);
  else
    o.add_null("queuePosition");
  o.add("stagePaused", e.stage_paused);
  return o.str();
}

std::string gate_json(const gate_stats& s) {
  json_object o;
  o.add("stage", s.stage)
    .add("running", s.running)
    .add("queued", s.queued)
    .add("maxConcurrent", s.max_concurrent)
    .add("maxPerSecond", s.max_per_second)
    // Two decimals: the bucket refills continuously.
    .add("tokens", std::floor(s.tokens * 100.0) / 100.0)
    .add("paused", s.paused)
    .add("circuit", s.circuit)
    .add("circuitTrips", s.circuit_trips)
    .add("dispatched", s.dispatched)
    .add("succeeded", s.succeeded)
    .add("failedTransient", s.failed_transient)
    .add("failedPermanent", s.failed_permanent)
    .add("timedOut", s.timed_out);
  return o.str();
}

std::string registry_json(const registry_stats& s) {
  json_object o;
  o.add("inFlight", s.in_flight)
    .add("maxInFlight", s.max_in_flight)
    .add("claimed", s.claimed)
    .add("finished", s.finished)
    .add("accepting", s.accepting);
  return o.str();
}

}  // namespace khaacho::http
