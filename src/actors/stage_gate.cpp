#include "actors/stage_gate.hpp"

#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <map>

#include "common/log.hpp"
#include "model/fair_queue.hpp"
#include "model/token_bucket.hpp"

namespace khaacho {

namespace {

using clock_type = std::chrono::steady_clock;

struct waiting_attempt {
  stage_request request;
  caf::typed_response_promise<stage_result> promise;
  caf::actor requester;
};

struct running_attempt {
  std::string order_id;
  caf::typed_response_promise<stage_result> promise;
};

struct gate_state {
  gate_config cfg;
  stage_factory factory;
  stage_actor stage;
  model::fair_queue<waiting_attempt> queue;
  model::token_bucket bucket{1.0, 1.0, clock_type::now()};
  model::circuit_breaker circuit;
  /// Attempts running now, by dispatch number. An attempt leaves this map
  /// exactly once: by the stage's answer, its timeout, or the stage's death.
  std::map<uint64_t, running_attempt> running;
  uint64_t next_seq = 1;
  bool paused = false;
  bool timer_pending = false;
  gate_stats stats;
};

using gate_pointer = gate_actor::stateful_pointer<gate_state>;

void dispatch(gate_pointer self);

void schedule_dispatch(gate_pointer self, clock_type::duration wait) {
  if (self->state.timer_pending)
    return;
  self->state.timer_pending = true;
  auto ms = std::max<int64_t>(
    1, std::chrono::duration_cast<std::chrono::milliseconds>(wait).count());
  self->delayed_send(self, std::chrono::milliseconds{ms}, dispatch_atom::value);
}

/// Ends a running attempt with `outcome`; false if it had already ended.
bool conclude(gate_pointer self, uint64_t seq, caf::expected<stage_result> outcome) {
  auto& st = self->state;
  auto it = st.running.find(seq);
  if (it == st.running.end())
    return false;
  auto attempt = std::move(it->second);
  st.running.erase(it);
  if (outcome) {
    ++st.stats.succeeded;
    st.circuit.record(false, clock_type::now());
    attempt.promise.deliver(std::move(*outcome));
  } else {
    bool transient = is_transient(outcome.error());
    ++(transient ? st.stats.failed_transient : st.stats.failed_permanent);
    auto trips_before = st.circuit.trips();
    st.circuit.record(transient, clock_type::now());
    if (st.circuit.trips() > trips_before)
      log::warn("stage circuit opened", {{"stage", st.cfg.stage}});
    attempt.promise.deliver(outcome.error());
  }
  dispatch(self);
  return true;
}

void start(gate_pointer self, waiting_attempt w) {
  auto& st = self->state;
  auto seq = st.next_seq++;
  st.running.emplace(seq, running_attempt{w.request.order_id, w.promise});
  ++st.stats.dispatched;
  if (w.requester)
    caf::anon_send(w.requester, started_atom::value, w.request.order_id, w.request.attempt);
  auto order_id = w.request.order_id;
  self->request(st.stage, st.cfg.timeout, run_atom::value, std::move(w.request))
    .then([self, seq](stage_result& r) { conclude(self, seq, std::move(r)); },
          [self, seq, order_id](caf::error& e) {
            auto& st = self->state;
            if (e == caf::sec::request_timeout) {
              if (st.running.count(seq) == 0)
                return;
              ++st.stats.timed_out;
              // The stage may still be working on it: let it stop early.
              self->send(st.stage, cancel_atom::value, order_id);
              e = caf::make_error(errc::timeout, "stage " + st.cfg.stage + " exceeded its timeout of "
                                                   + std::to_string(st.cfg.timeout.count()) + " ms");
            } else if (e == caf::sec::request_receiver_down) {
              e = caf::make_error(caf::exit_reason::unhandled_exception);
            }
            conclude(self, seq, std::move(e));
          });
}

void dispatch(gate_pointer self) {
  auto& st = self->state;
  while (!st.paused && !st.queue.empty()
         && static_cast<int64_t>(st.running.size()) < st.cfg.max_concurrent) {
    auto now = clock_type::now();
    if (st.circuit.current(now) == model::circuit_breaker::state::open) {
      schedule_dispatch(self, st.circuit.reopens_at() - now);
      return;
    }
    std::chrono::milliseconds wait{0};
    if (!st.bucket.try_take(now, wait)) {
      schedule_dispatch(self, wait);
      return;
    }
    if (!st.circuit.allow(now))
      return;  // half-open with its probe out: its outcome dispatches again
    auto next = st.queue.pop();
    start(self, std::move(*next));
  }
}

}  // namespace

gate_actor spawn_stage_gate(caf::actor_system& sys, gate_config cfg, stage_factory factory) {
  return sys.spawn([cfg = std::move(cfg), factory](gate_pointer self) -> gate_actor::behavior_type {
    auto& st = self->state;
    st.cfg = cfg;
    st.factory = factory;
    st.stage = factory();
    self->monitor(st.stage);
    // A dead stage is replaced; its running attempts already failed
    // (request_receiver_down) and their supervisors retry them.
    self->set_down_handler([self](caf::down_msg& dm) {
      auto& st = self->state;
      if (dm.source != st.stage.address())
        return;
      log::warn("stage actor died; starting a new one",
                {{"stage", st.cfg.stage}, {"reason", caf::to_string(dm.reason)}});
      st.stage = st.factory();
      self->monitor(st.stage);
      // Its running attempts will never be answered: they crashed.
      std::vector<uint64_t> lost;
      for (auto& kv : st.running)
        lost.push_back(kv.first);
      for (auto seq : lost)
        conclude(self, seq, caf::make_error(caf::exit_reason::unhandled_exception));
    });
    // Stopping the gate stops its stage.
    self->set_exit_handler([self](caf::exit_msg& em) {
      self->send_exit(self->state.stage, em.reason);
      self->quit(em.reason);
    });
    // A burst of one second's worth, at least one.
    st.bucket = model::token_bucket{cfg.max_per_second, std::max(1.0, cfg.max_per_second),
                                    clock_type::now()};
    st.circuit = model::circuit_breaker{cfg.circuit};
    st.stats.stage = cfg.stage;
    return {
      [self](run_atom, stage_request& req) -> caf::result<stage_result> {
        // Before the promise: making it takes the sender out of the message.
        auto requester = caf::actor_cast<caf::actor>(self->current_sender());
        auto promise = self->make_response_promise<stage_result>();
        auto key = req.retailer_id;
        self->state.queue.push(key, waiting_attempt{std::move(req), promise, requester});
        dispatch(self);
        return promise;
      },
      [self](cancel_atom, const std::string& order_id) {
        auto& st = self->state;
        st.queue.remove_if_first([&](waiting_attempt& w) {
          if (w.request.order_id != order_id)
            return false;
          w.promise.deliver(caf::make_error(errc::timeout, "attempt withdrawn"));
          return true;
        });
        for (auto& kv : st.running)
          if (kv.second.order_id == order_id)
            self->send(st.stage, cancel_atom::value, order_id);
      },
      [self](pause_atom) {
        self->state.paused = true;
        log::info("stage paused", {{"stage", self->state.cfg.stage}});
      },
      [self](resume_atom) {
        self->state.paused = false;
        log::info("stage resumed", {{"stage", self->state.cfg.stage}});
        dispatch(self);
      },
      [self](dispatch_atom) {
        self->state.timer_pending = false;
        dispatch(self);
      },
      [self](stats_atom) -> gate_stats {
        auto& st = self->state;
        auto s = st.stats;
        s.queued = static_cast<int64_t>(st.queue.size());
        s.running = static_cast<int64_t>(st.running.size());
        s.circuit = model::to_string(st.circuit.current(clock_type::now()));
        s.circuit_trips = st.circuit.trips();
        s.paused = st.paused;
        s.max_concurrent = st.cfg.max_concurrent;
        s.max_per_second = st.cfg.max_per_second;
        s.tokens = st.bucket.available(clock_type::now());
        return s;
      },
      [self](snapshot_atom) {
        std::vector<std::string> waiting;
        waiting.reserve(self->state.queue.size());
        self->state.queue.for_each_in_order(
          [&](const waiting_attempt& w) { waiting.push_back(w.request.order_id); });
        return waiting;
      },
    };
  });
}

}  // namespace khaacho
