#include "actors/pipeline.hpp"

#include <thread>

#include <caf/scoped_actor.hpp>

#include "actors/order_registry.hpp"
#include "common/errc.hpp"

namespace khaacho {

int64_t resolved_concurrency(const config::stage_policy& policy) {
  if (policy.max_concurrent > 0)
    return policy.max_concurrent;
  return std::max<int64_t>(1, std::thread::hardware_concurrency());
}

caf::expected<pipeline> start_pipeline(caf::actor_system& sys, db_pool_actor pool,
                                       const config::settings& s, const std::string& node,
                                       std::map<std::string, stage_factory> stages,
                                       pipeline_cluster cluster) {
  auto sc = std::make_shared<supervisor_config>();
  sc->node = node;
  sc->pool = pool;
  sc->lease = s.node.lease_duration;
  sc->max_processing_time = s.pipeline.max_processing_time;
  pipeline p;
  for (const char* name : pipeline_stages) {
    auto it = stages.find(name);
    if (it == stages.end() || !it->second)
      return caf::make_error(errc::bad_input, std::string{"no implementation for stage "} + name);
    const auto& policy = s.stages.at(name);
    gate_config gc;
    gc.stage = name;
    gc.max_concurrent = resolved_concurrency(policy);
    gc.max_per_second = policy.max_per_second;
    gc.timeout = policy.timeout;
    gc.circuit.window = static_cast<size_t>(s.pipeline.circuit_window);
    gc.circuit.min_calls = static_cast<size_t>(s.pipeline.circuit_min_calls);
    gc.circuit.failure_ratio = s.pipeline.circuit_failure_ratio;
    gc.circuit.cooldown = s.pipeline.circuit_cooldown;
    auto gate = spawn_stage_gate(sys, gc, it->second);
    p.gates.push_back(gate);
    sc->stages.push_back(pipeline_stage_slot{
      name, gate, model::backoff_policy{policy.initial_backoff, policy.max_backoff, s.pipeline.backoff_jitter},
      static_cast<int32_t>(policy.max_attempts)});
  }
  registry_config rc;
  rc.supervisors = sc;
  rc.max_in_flight = s.node.max_in_flight;
  rc.claim_interval = s.pipeline.claim_interval;
  rc.stream = cluster.stream;
  rc.link = cluster.link;
  // An order unowned for a lease time is an orphan: its stream entry was
  // lost (Redis restarted empty, trimmed, XADD failed) or its node released it.
  rc.orphan_age = s.node.lease_duration;
  rc.fetch_timeout = cluster.fetch_block + std::chrono::seconds{10};
  p.registry = spawn_order_registry(sys, rc);
  return p;
}

bool stop_pipeline(caf::actor_system& sys, pipeline& p, std::chrono::milliseconds grace) {
  bool clean = false;
  if (p.registry) {
    caf::scoped_actor self{sys};
    self->request(p.registry, caf::duration{grace}, shutdown_atom::value)
      .receive([&](bool released) { clean = released; }, [&](caf::error&) { clean = false; });
    self->send_exit(p.registry, caf::exit_reason::user_shutdown);
  }
  for (auto& g : p.gates)
    caf::anon_send_exit(g, caf::exit_reason::user_shutdown);
  return clean;
}

}  // namespace khaacho
