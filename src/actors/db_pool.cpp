// The gate of the database pool: FIFO queue, idle/busy workers, replacement of
// workers that die, and the counters behind the pool-wait metrics.
#include "actors/db_pool.hpp"

#include <algorithm>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/db_worker.hpp"
#include "common/errc.hpp"
#include "common/service_metrics.hpp"

namespace khaacho {

namespace {

using self_ptr = db_pool_actor::stateful_pointer<db_pool_state>;

void spawn_worker(self_ptr self) {
  auto& cfg = self->state.config;
  auto w = self->spawn<caf::detached>(db_worker, cfg.url, cfg.options);
  self->monitor(w);
  self->state.idle.push_back(w);
}

void erase_worker(std::vector<db_worker_actor>& v, const caf::actor_addr& addr) {
  v.erase(std::remove_if(v.begin(), v.end(), [&](const auto& w) { return w.address() == addr; }),
          v.end());
}

bool contains(const std::vector<db_worker_actor>& v, const db_worker_actor& w) {
  return std::find(v.begin(), v.end(), w) != v.end();
}

void dispatch(self_ptr self);

/// Called when a worker finished a job (or failed it).
void release(self_ptr self, const db_worker_actor& w) {
  auto& st = self->state;
  if (contains(st.busy, w)) {
    erase_worker(st.busy, w.address());
    st.idle.push_back(w);
  }
  dispatch(self);
}

template <class T>
void run_job(self_ptr self, db_worker_actor w, db_pool_state::job j) {
  auto promise = std::get<caf::typed_response_promise<T>>(j.promise);
  auto on_ok = [self, w, promise](T& result) mutable {
    self->state.stats.served++;
    promise.deliver(std::move(result));
    release(self, w);
  };
  auto on_error = [self, w, promise](caf::error& err) mutable {
    self->state.stats.served++;
    self->state.stats.failed++;
    bool worker_gone = err == caf::sec::request_receiver_down;
    promise.deliver(std::move(err));
    if (worker_gone)
      erase_worker(self->state.busy, w.address());  // the down handler replaces it
    else
      release(self, w);
  };
  // No timeout here: the worker enforces the statement deadline itself, and a
  // caller's own request timeout bounds what the caller waits.
  if constexpr (std::is_same_v<T, db::pg_result>)
    self->request(w, caf::infinite, query_atom::value, std::move(j.statements.front()))
      .then(on_ok, on_error);
  else
    self->request(w, caf::infinite, transact_atom::value, std::move(j.statements))
      .then(on_ok, on_error);
}

void dispatch(self_ptr self) {
  auto& st = self->state;
  while (!st.stopping && !st.idle.empty() && !st.queue.empty()) {
    auto w = st.idle.back();
    st.idle.pop_back();
    st.busy.push_back(w);
    auto j = std::move(st.queue.front());
    st.queue.pop_front();
    auto waited = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - j.enqueued)
                    .count();
    st.stats.wait_us_total += waited;
    metrics::service_metrics::instance().db_pool_wait().observe(static_cast<double>(waited) / 1e6);
    st.stats.wait_us_max = std::max<int64_t>(st.stats.wait_us_max, waited);
    if (j.transaction)
      run_job<std::vector<db::pg_result>>(self, w, std::move(j));
    else
      run_job<db::pg_result>(self, w, std::move(j));
  }
}

}  // namespace

db_pool_state::~db_pool_state() {
  // Detached workers hold threads; end them with the gate.
  for (auto& w : idle)
    caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
  for (auto& w : busy)
    caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
}

db_pool_actor::behavior_type db_pool(db_pool_actor::stateful_pointer<db_pool_state> self,
                                     db_pool_config config) {
  self->state.config = std::move(config);
  for (int64_t i = 0; i < std::max<int64_t>(1, self->state.config.size); ++i)
    spawn_worker(self);
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    erase_worker(st.idle, msg.source);
    erase_worker(st.busy, msg.source);
    if (st.stopping) {
      if (st.idle.empty() && st.busy.empty())
        self->quit(*st.stopping);
      return;
    }
    st.stats.worker_restarts++;
    spawn_worker(self);
    dispatch(self);
  });
  self->set_exit_handler([self](caf::exit_msg& em) {
    auto& st = self->state;
    if (st.stopping)
      return;
    // Quitting before the workers are gone let the actor system think all
    // was done while their clean-up still ran (see blocking_stage.cpp).
    st.stopping = em.reason;
    for (auto& j : st.queue)
      std::visit([](auto& p) { p.deliver(caf::make_error(errc::db_unavailable, "pool stopping")); },
                 j.promise);
    st.queue.clear();
    for (auto& w : st.idle)
      self->send_exit(w, em.reason);
    for (auto& w : st.busy)
      self->send_exit(w, em.reason);
    if (st.idle.empty() && st.busy.empty())
      self->quit(em.reason);
  });
  return {
    [self](query_atom, db::pg_statement& stmt) -> caf::typed_response_promise<db::pg_result> {
      auto promise = self->make_response_promise<db::pg_result>();
      if (self->state.stopping) {
        promise.deliver(caf::make_error(errc::db_unavailable, "pool stopping"));
        return promise;
      }
      std::vector<db::pg_statement> stmts;
      stmts.push_back(std::move(stmt));
      self->state.queue.push_back(
        {std::move(stmts), false, promise, std::chrono::steady_clock::now()});
      dispatch(self);
      return promise;
    },
    [self](transact_atom, std::vector<db::pg_statement>& stmts)
      -> caf::typed_response_promise<std::vector<db::pg_result>> {
      auto promise = self->make_response_promise<std::vector<db::pg_result>>();
      if (self->state.stopping) {
        promise.deliver(caf::make_error(errc::db_unavailable, "pool stopping"));
        return promise;
      }
      self->state.queue.push_back(
        {std::move(stmts), true, promise, std::chrono::steady_clock::now()});
      dispatch(self);
      return promise;
    },
    [self](stats_atom) -> db_pool_stats {
      auto s = self->state.stats;
      s.size = static_cast<int64_t>(self->state.idle.size() + self->state.busy.size());
      s.busy = static_cast<int64_t>(self->state.busy.size());
      s.queued = static_cast<int64_t>(self->state.queue.size());
      return s;
    },
  };
}

}  // namespace khaacho
