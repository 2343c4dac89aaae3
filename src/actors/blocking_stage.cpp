#include "actors/blocking_stage.hpp"

#include <algorithm>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "common/log.hpp"
#include "common/trace_context.hpp"

namespace khaacho {

namespace {

using worker_actor = caf::typed_actor<caf::replies_to<run_atom, stage_request>::with<stage_result>>;

struct worker_slot {
  worker_actor handle;
  std::shared_ptr<std::atomic<bool>> cancelled;
  std::string order_id;  ///< the attempt it runs, "" when idle
};

struct job {
  stage_request request;
  caf::typed_response_promise<stage_result> promise;
};

struct front_state {
  std::string stage_name;
  stage_function_factory factory;
  std::vector<worker_slot> slots;
  std::deque<size_t> idle;
  std::deque<job> queue;
  /// Set once the front is told to exit: it then waits for every worker's
  /// down message before it quits itself (see the exit handler).
  std::optional<caf::error> stopping;
  size_t workers_left = 0;
};

worker_actor::behavior_type stage_worker(worker_actor::pointer self, stage_function_factory factory,
                                         std::shared_ptr<std::atomic<bool>> cancelled) {
  // Built on the worker's own thread, before its first attempt.
  auto fn = std::make_shared<stage_function>(factory());
  (void)self;
  return {
    [fn, cancelled](run_atom, const stage_request& req) -> caf::result<stage_result> {
      cancelled->store(false);
      // The attempt's trace for the log lines and outgoing calls made while
      // it runs on this (dedicated) thread.
      trace::context tc{req.trace_id, req.span_id, false};
      std::optional<trace::scope> in_trace;
      if (!tc.trace_id.empty())
        in_trace.emplace(tc);
      auto out = (*fn)(req, *cancelled);
      if (!out)
        return out.error();
      return std::move(*out);
    },
  };
}

using front_actor = stage_actor::stateful_pointer<front_state>;

void start_worker(front_actor self, size_t index) {
  auto cancelled = std::make_shared<std::atomic<bool>>(false);
  // Linked: a front that dies (even killed) takes its workers with it, once
  // their current call returns. Monitored: a worker that dies is replaced.
  auto w = self->spawn<caf::detached + caf::linked>(stage_worker, self->state.factory, cancelled);
  self->monitor(w);
  self->state.slots[index] = worker_slot{w, cancelled, ""};
  self->state.idle.push_back(index);
}

void dispatch(front_actor self) {
  auto& st = self->state;
  while (!st.stopping && !st.idle.empty() && !st.queue.empty()) {
    auto index = st.idle.front();
    st.idle.pop_front();
    auto j = std::move(st.queue.front());
    st.queue.pop_front();
    auto& slot = st.slots[index];
    slot.order_id = j.request.order_id;
    auto handle = slot.handle;
    self->request(handle, caf::infinite, run_atom::value, j.request)
      .then(
        [self, index, handle, promise = j.promise](stage_result& r) mutable {
          promise.deliver(std::move(r));
          auto& s = self->state.slots[index];
          if (s.handle == handle) {
            s.order_id.clear();
            self->state.idle.push_back(index);
          }
          dispatch(self);
        },
        [self, index, handle, promise = j.promise](caf::error& e) mutable {
          // A dead worker answers request_receiver_down; the down handler
          // replaces it. Report the attempt as crashed (transient).
          bool died = e == caf::sec::request_receiver_down || e == caf::sec::runtime_error;
          if (died)
            promise.deliver(caf::make_error(caf::exit_reason::unhandled_exception));
          else
            promise.deliver(std::move(e));
          // A worker that answered with an error is alive and free again
          // (forgetting it here lost one worker per failed attempt: two
          // database errors in a row wedged a two-worker stage for good).
          auto& s = self->state.slots[index];
          if (!died && s.handle == handle) {
            s.order_id.clear();
            self->state.idle.push_back(index);
          }
          dispatch(self);
        });
  }
}

}  // namespace

stage_actor spawn_blocking_stage(caf::actor_system& sys, std::string name,
                                 stage_function_factory factory, size_t workers) {
  auto n = std::max<size_t>(1, workers);
  return sys.spawn([name = std::move(name), factory = std::move(factory), n](
                     front_actor self) -> stage_actor::behavior_type {
    self->state.stage_name = name;
    self->state.factory = factory;
    self->state.slots.resize(n);
    for (size_t i = 0; i < n; ++i)
      start_worker(self, i);
    self->set_down_handler([self](caf::down_msg& dm) {
      auto& st = self->state;
      auto& slots = st.slots;
      for (size_t i = 0; i < slots.size(); ++i) {
        if (slots[i].handle.address() != dm.source)
          continue;
        if (st.stopping) {
          if (--st.workers_left == 0)
            self->quit(*st.stopping);
          return;
        }
        log::warn("stage worker died; starting a new one",
                  {{"stage", st.stage_name}, {"order_id", slots[i].order_id},
                   {"reason", caf::to_string(dm.reason)}});
        auto& idle = st.idle;
        idle.erase(std::remove(idle.begin(), idle.end(), i), idle.end());
        start_worker(self, i);
        dispatch(self);
        return;
      }
    });
    self->set_exit_handler([self](caf::exit_msg& em) {
      auto& st = self->state;
      for (auto& s : st.slots)
        if (s.handle.address() == em.source)
          return;  // a worker's death: the down handler replaces it
      if (st.stopping)
        return;
      // The front outlives its workers: it quits on the last one's down
      // message. A front that quit first let the actor system believe all
      // was done while workers still ran their clean-up, and CAF 0.17 stops
      // its clock before it joins detached threads: with enough workers left,
      // their clean-up blocked on the stopped clock's full queue for good.
      st.stopping = em.reason;
      st.workers_left = st.slots.size();
      for (auto& j : st.queue)
        j.promise.deliver(caf::make_error(caf::sec::request_receiver_down));
      st.queue.clear();
      for (auto& s : st.slots) {
        s.cancelled->store(true);
        self->send_exit(s.handle, em.reason);
      }
    });
    return {
      [self](run_atom, stage_request& req) -> caf::result<stage_result> {
        if (self->state.stopping)
          return caf::make_error(caf::sec::request_receiver_down);
        auto promise = self->make_response_promise<stage_result>();
        self->state.queue.push_back(job{std::move(req), promise});
        dispatch(self);
        return promise;
      },
      [self](cancel_atom, const std::string& order_id) {
        auto& q = self->state.queue;
        for (auto it = q.begin(); it != q.end(); ++it)
          if (it->request.order_id == order_id) {
            it->promise.deliver(caf::make_error(errc::timeout, "attempt abandoned"));
            q.erase(it);
            return;
          }
        for (auto& s : self->state.slots)
          if (s.order_id == order_id)
            s.cancelled->store(true);
      },
    };
  });
}

}  // namespace khaacho
