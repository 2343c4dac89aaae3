// Scrape-time gauges from the gates, the pool and the database.
#include "services/runtime_metrics.hpp"

#include <caf/function_view.hpp>

#include "actors/inspect_db.hpp"

namespace khaacho::services {

runtime_metrics::runtime_metrics(caf::actor_system& sys, db_pool_actor pool,
                                 std::vector<gate_actor> gates, std::chrono::milliseconds timeout)
  : sys_(&sys), pool_(pool), gates_(std::move(gates)), timeout_(timeout),
    db_(sys, pool, timeout) {
}

void runtime_metrics::collect(metrics::text_writer& out) const {
  collect_gates(out);
  collect_pool(out);
  collect_orders(out);
}

void runtime_metrics::collect_gates(metrics::text_writer& out) const {
  std::vector<gate_stats> stats;
  for (const auto& g : gates_) {
    auto view = caf::make_function_view(g, caf::duration{timeout_});
    if (auto s = view(stats_atom::value))
      stats.push_back(std::move(*s));
  }
  if (stats.empty())
    return;
  out.family("khaacho_stage_queue_length", "Attempts waiting in a stage's gate.", "gauge");
  for (const auto& s : stats)
    out.sample("khaacho_stage_queue_length", {{"stage", s.stage}}, static_cast<double>(s.queued));
  out.family("khaacho_stage_running", "Attempts running in a stage now.", "gauge");
  for (const auto& s : stats)
    out.sample("khaacho_stage_running", {{"stage", s.stage}}, static_cast<double>(s.running));
  out.family("khaacho_stage_circuit_open",
             "1 while a stage's circuit is open or half-open (attempts held back).", "gauge");
  for (const auto& s : stats)
    out.sample("khaacho_stage_circuit_open", {{"stage", s.stage}}, s.circuit == "closed" ? 0 : 1);
  out.family("khaacho_stage_paused", "1 while an operator holds the stage.", "gauge");
  for (const auto& s : stats)
    out.sample("khaacho_stage_paused", {{"stage", s.stage}}, s.paused ? 1 : 0);
}

void runtime_metrics::collect_pool(metrics::text_writer& out) const {
  auto view = caf::make_function_view(pool_, caf::duration{timeout_});
  auto s = view(stats_atom::value);
  if (!s)
    return;
  out.family("khaacho_db_pool_connections", "Database pool connections by state.", "gauge");
  out.sample("khaacho_db_pool_connections", {{"state", "busy"}}, static_cast<double>(s->busy));
  out.sample("khaacho_db_pool_connections", {{"state", "idle"}},
             static_cast<double>(s->size - s->busy));
  out.family("khaacho_db_pool_queue_length", "Statements waiting for a pool connection.", "gauge");
  out.sample("khaacho_db_pool_queue_length", {}, static_cast<double>(s->queued));
}

void runtime_metrics::collect_orders(metrics::text_writer& out) const {
  // Only PROCESSING rows: the partial claim index (INCLUDE owner_node,
  // lease_expires_at) answers this without touching the table, and its size is
  // the backlog, not the history. Terminal orders are counted by
  // khaacho_orders_finished_total on the node that finished them.
  auto r = db_.query({"SELECT count(*) AS processing,"
                      " count(*) FILTER (WHERE owner_node IS NULL OR lease_expires_at < now())"
                      " AS unclaimed FROM uploaded_orders WHERE status = 'PROCESSING'",
                      {}});
  if (!r || r->empty())
    return;
  auto row = r->row(0);
  out.family("khaacho_orders_processing",
             "PROCESSING orders in the database (all nodes), claimed or not.", "gauge");
  out.sample("khaacho_orders_processing", {}, static_cast<double>(row.get<int64_t>("processing")));
  out.family("khaacho_orders_unclaimed",
             "PROCESSING orders no live node holds a lease on (waiting for capacity).", "gauge");
  out.sample("khaacho_orders_unclaimed", {}, static_cast<double>(row.get<int64_t>("unclaimed")));
}

}  // namespace khaacho::services
