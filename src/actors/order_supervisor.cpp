#include "actors/order_supervisor.hpp"

#include <optional>
#include <random>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/inspect_db.hpp"
#include "adapters/db/order_statements.hpp"
#include "common/log.hpp"
#include "common/service_metrics.hpp"
#include "common/trace_context.hpp"

namespace khaacho {

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

double uniform01() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>{0.0, 1.0}(rng);
}

/// Counts the supervisor in khaacho_supervisors_in_flight for as long as its
/// state lives (CAF destroys the state when the actor exits, however it ends).
struct in_flight_token {
  in_flight_token() { metrics::service_metrics::instance().supervisors_in_flight().add(1); }
  ~in_flight_token() { metrics::service_metrics::instance().supervisors_in_flight().sub(1); }
  in_flight_token(const in_flight_token&) = delete;
  in_flight_token& operator=(const in_flight_token&) = delete;
};

struct supervisor_state {
  in_flight_token counted;
  std::shared_ptr<const supervisor_config> cfg;
  caf::actor registry;
  claimed_order order;
  size_t stage_index = 0;
  int32_t attempt_no = 0;
  int64_t started_ms = 0;
  /// When the current attempt started in its stage (for the duration histogram).
  std::chrono::steady_clock::time_point attempt_started;
  /// The order's trace; span_id is the current attempt's span.
  trace::context trace;
  std::string phase;
  int64_t since_ms = 0;
  std::string last_error;
  int64_t next_attempt_ms = 0;
  uint64_t timer_token = 0;
  bool shutting_down = false;
  bool stopped = false;
  /// A database write to repeat after a transient failure.
  std::function<void()> retry_write;
};

using supervisor = caf::stateful_actor<supervisor_state>*;

const pipeline_stage_slot& current_stage(supervisor self) {
  return self->state.cfg->stages[self->state.stage_index];
}

void report(supervisor self, std::string phase) {
  auto& st = self->state;
  st.phase = std::move(phase);
  st.since_ms = now_ms();
  supervisor_snapshot snap;
  snap.order_id = st.order.id;
  snap.retailer_id = st.order.retailer_id;
  snap.node = st.cfg->node;
  snap.stage = st.stage_index < st.cfg->stages.size() ? current_stage(self).name : "";
  snap.attempt = st.attempt_no;
  snap.state = st.phase;
  snap.since_ms = st.since_ms;
  snap.last_error = st.last_error;
  snap.next_attempt_ms = st.phase == "backoff" ? st.next_attempt_ms : 0;
  self->send(st.registry, state_atom::value, std::move(snap));
}

void stop(supervisor self) {
  self->state.stopped = true;
  self->quit();
}

/// Sends `stmt`; `done` gets the result. Transient failures repeat the write
/// every second (the lease fence decides whether it still counts); anything
/// else stops the supervisor, leaving the order to the lease sweep.
void write(supervisor self, db::pg_statement stmt, std::function<void(db::pg_result&)> done) {
  auto attempt = [self, stmt, done]() {
    self->request(self->state.cfg->pool, caf::infinite, query_atom::value, stmt)
      .then([done](db::pg_result& r) { done(r); },
            [self](caf::error& e) {
              trace::scope in_trace{self->state.trace};
              if (is_transient(e)) {
                log::warn("checkpoint write failed; retrying",
                          {{"order_id", self->state.order.id}, {"error", describe(e)}});
                self->delayed_send(self, std::chrono::seconds{1}, tick_atom::value);
                return;
              }
              log::error("checkpoint write refused; leaving the order to the lease sweep",
                         {{"order_id", self->state.order.id}, {"error", describe(e)}});
              stop(self);
            });
  };
  self->state.retry_write = attempt;
  attempt();
}

bool fenced_out(supervisor self, const db::pg_result& r) {
  int64_t n = r.columns.empty() ? r.affected_rows : r.row(0).get<int64_t>("fenced");
  if (n > 0)
    return false;
  trace::scope in_trace{self->state.trace};
  log::warn("lease lost; another node owns the order now",
            {{"order_id", self->state.order.id}, {"node", self->state.cfg->node}});
  stop(self);
  return true;
}

void finish(supervisor self, const std::string& status, const std::string& reason) {
  auto& st = self->state;
  report(self, "writing");
  write(self, db::finish_order(st.order.id, st.order.lease_epoch, status, reason),
        [self, reason](db::pg_result& r) {
          if (fenced_out(self, r))
            return;
          auto& st = self->state;
          auto status = r.row(0).get<std::string>("status");
          auto seconds = static_cast<double>(now_ms() - st.order.round_started_ms) / 1000.0;
          metrics::final_status fs;
          if (metrics::service_metrics::parse_final_status(status, fs)) {
            auto& m = metrics::service_metrics::instance();
            m.orders_finished(fs).inc();
            m.processing_duration(fs).observe(seconds);
          }
          trace::scope in_trace{st.trace};
          log::info("order finished", {{"order_id", st.order.id},
                                       {"status", status},
                                       {"reason", reason},
                                       {"processing_ms", std::to_string(now_ms() - st.order.round_started_ms)}});
          stop(self);
        });
}

void next_step(supervisor self);

void enter_backoff(supervisor self, std::chrono::milliseconds wait) {
  auto& st = self->state;
  st.next_attempt_ms = now_ms() + wait.count();
  auto token = ++st.timer_token;
  report(self, "backoff");
  self->delayed_send(self, wait, next_atom::value, token);
}

/// Counts an ended attempt: by stage and outcome, its duration, and the
/// original design's OCR and extraction success/failure counters.
void count_attempt(supervisor self, metrics::stage_outcome outcome) {
  auto& st = self->state;
  const auto& name = current_stage(self).name;
  auto& m = metrics::service_metrics::instance();
  bool ok = outcome == metrics::stage_outcome::succeeded;
  if (name == "ocr")
    m.ocr(ok).inc();
  else if (name == "extract")
    m.extraction(ok).inc();
  auto* inst = m.stage(name);
  if (inst == nullptr)
    return;
  inst->attempts[static_cast<size_t>(outcome)]->inc();
  inst->duration->observe(
    std::chrono::duration<double>(std::chrono::steady_clock::now() - st.attempt_started).count());
}

void on_result(supervisor self, stage_result& result) {
  auto& st = self->state;
  const auto& stage = current_stage(self);
  count_attempt(self, metrics::stage_outcome::succeeded);
  {
    trace::scope in_trace{st.trace};
    log::info("stage attempt succeeded",
              {{"order_id", st.order.id},
               {"stage", stage.name},
               {"attempt", std::to_string(st.attempt_no)},
               {"duration_ms", std::to_string(now_ms() - st.started_ms)}});
  }
  report(self, "writing");
  write(self,
        db::record_checkpoint(st.order.id, st.order.lease_epoch, stage.name, st.attempt_no,
                              st.started_ms, result.output, st.cfg->node, st.cfg->lease),
        [self, result](db::pg_result& r) {
          if (fenced_out(self, r))
            return;
          auto& st = self->state;
          const auto& name = current_stage(self).name;
          st.order.checkpoints[name] = result.output;
          st.last_error.clear();
          if (result.needs_review) {
            finish(self, "PENDING_REVIEW", result.review_reason.empty() ? name + " asks for review"
                                                                        : result.review_reason);
            return;
          }
          ++st.stage_index;
          next_step(self);
        });
}

metrics::stage_outcome outcome_of(const caf::error& e) {
  using o = metrics::stage_outcome;
  if (e == caf::sec::request_timeout || has_code(e, errc::timeout))
    return o::timed_out;
  if (e.category() == caf::atom("exit"))
    return o::crashed;
  return is_transient(e) ? o::failed_transient : o::failed_permanent;
}

const char* to_string(metrics::stage_outcome o) {
  using so = metrics::stage_outcome;
  switch (o) {
    case so::succeeded: return "succeeded";
    case so::failed_transient: return "failed_transient";
    case so::failed_permanent: return "failed_permanent";
    case so::timed_out: return "timed_out";
    case so::crashed: return "crashed";
  }
  return "failed_transient";
}

void on_failure(supervisor self, const caf::error& e) {
  auto& st = self->state;
  const auto& stage = current_stage(self);
  auto& counts = st.order.attempts[stage.name];
  // An unreachable database is an outage of the whole node, not a fault of
  // this order: it does not use up the stage's attempts (a 30 s outage would
  // otherwise fail every order in flight). The wait still grows with each
  // attempt, and the order's processing deadline still ends it.
  bool outage = has_code(e, errc::db_unavailable);
  if (!outage)
    counts.second += 1;
  auto outcome_code = outcome_of(e);
  std::string outcome = to_string(outcome_code);
  count_attempt(self, outcome_code);
  st.last_error = describe(e);
  bool permanent = outcome_code == metrics::stage_outcome::failed_permanent;
  bool exhausted = counts.second >= stage.max_attempts;
  std::chrono::milliseconds wait{0};
  if (!permanent && !exhausted && !st.shutting_down) {
    wait = model::backoff_delay(stage.backoff, outage ? st.attempt_no : counts.second, uniform01(),
                                retry_after_of(e));
    // A database back from an outage is noticed within half a minute.
    if (outage)
      wait = std::min(wait, std::chrono::milliseconds{30'000});
    // Never sleep past the order's deadline: wake up to fail it on time.
    auto deadline = st.order.round_started_ms + st.cfg->max_processing_time.count();
    wait = std::min(wait, std::chrono::milliseconds{std::max<int64_t>(0, deadline - now_ms())});
    if (auto* inst = metrics::service_metrics::instance().stage(stage.name))
      inst->retries->inc();
  }
  trace::scope in_trace{st.trace};
  log::info("stage attempt failed", {{"order_id", st.order.id},
                                     {"stage", stage.name},
                                     {"attempt", std::to_string(st.attempt_no)},
                                     {"outcome", outcome},
                                     {"error", st.last_error},
                                     {"retry_in_ms", std::to_string(wait.count())}});
  report(self, "writing");
  write(self,
        db::record_failed_attempt(st.order.id, st.order.lease_epoch, stage.name, st.attempt_no,
                                  st.started_ms, outcome, st.last_error, st.cfg->node, wait),
        [self, permanent, exhausted, wait](db::pg_result& r) {
          if (fenced_out(self, r))
            return;
          auto& st = self->state;
          const auto& name = current_stage(self).name;
          if (permanent) {
            finish(self, "FAILED", name + ": " + st.last_error);
          } else if (exhausted) {
            finish(self, "FAILED",
                   name + " failed after " + std::to_string(st.order.attempts[name].second)
                     + " attempts: " + st.last_error);
          } else if (st.shutting_down) {
            stop(self);
          } else {
            enter_backoff(self, wait);
          }
        });
}

void start_attempt(supervisor self) {
  auto& st = self->state;
  const auto& stage = current_stage(self);
  auto& counts = st.order.attempts[stage.name];
  counts.first += 1;
  st.attempt_no = counts.first;
  st.started_ms = now_ms();
  st.attempt_started = std::chrono::steady_clock::now();
  // Each attempt is a span of the order's trace.
  st.trace.span_id = trace::new_span_id();
  report(self, "waiting");
  stage_request req;
  req.order_id = st.order.id;
  req.retailer_id = st.order.retailer_id;
  req.stage = stage.name;
  req.attempt = st.attempt_no;
  req.lease_epoch = st.order.lease_epoch;
  req.checkpoints = st.order.checkpoints;
  req.trace_id = st.trace.trace_id;
  req.span_id = st.trace.span_id;
  self->request(stage.gate, caf::infinite, run_atom::value, std::move(req))
    .then([self](stage_result& r) { on_result(self, r); },
          [self](caf::error& e) {
            if (self->state.stopped)
              return;
            on_failure(self, e);
          });
}

void next_step(supervisor self) {
  auto& st = self->state;
  if (st.shutting_down)
    return stop(self);
  const auto& stages = st.cfg->stages;
  while (st.stage_index < stages.size() && st.order.checkpoints.count(stages[st.stage_index].name))
    ++st.stage_index;
  if (st.stage_index == stages.size())
    return finish(self, "COMPLETED", "");
  if (now_ms() > st.order.round_started_ms + st.cfg->max_processing_time.count())
    return finish(self, "FAILED", "deadline_exceeded");
  if (st.order.wait_ms > 0) {
    auto wait = std::chrono::milliseconds{st.order.wait_ms};
    st.order.wait_ms = 0;
    return enter_backoff(self, wait);
  }
  start_attempt(self);
}

/// Takes the order's stored trace id, or starts a new trace for an order
/// stored without a valid one (uploads from before traces were kept).
void adopt_trace(supervisor self, const std::optional<std::string>& stored) {
  auto& st = self->state;
  st.trace.trace_id = stored && trace::valid_trace_id(*stored) ? *stored : trace::new_trace_id();
  st.trace.span_id = trace::new_span_id();
  trace::scope in_trace{st.trace};
  log::info("order claimed", {{"order_id", st.order.id},
                              {"node", st.cfg->node},
                              {"lease_epoch", std::to_string(st.order.lease_epoch)},
                              {"checkpoints", std::to_string(st.order.checkpoints.size())}});
}

/// The first step: the trace first (read from the order row when the claim
/// did not bring it), then the stages.
void begin(supervisor self) {
  auto& st = self->state;
  if (st.order.trace_id) {
    adopt_trace(self, st.order.trace_id);
    return next_step(self);
  }
  st.phase = "starting";
  self->request(st.cfg->pool, caf::infinite, query_atom::value, db::order_trace_id(st.order.id))
    .then(
      [self](db::pg_result& r) {
        adopt_trace(self, r.empty() ? std::nullopt : r.row(0).get_optional<std::string>("trace_id"));
        next_step(self);
      },
      [self](caf::error&) {
        // The trace is for reading logs; the order does not wait for it.
        adopt_trace(self, std::nullopt);
        next_step(self);
      });
}

}  // namespace

caf::actor spawn_order_supervisor(caf::actor_system& sys, std::shared_ptr<const supervisor_config> cfg,
                                  caf::actor registry, claimed_order order) {
  return sys.spawn([cfg = std::move(cfg), registry, order = std::move(order)](
                     supervisor self) mutable -> caf::behavior {
    auto& st = self->state;
    st.cfg = std::move(cfg);
    st.registry = registry;
    st.order = std::move(order);
    self->monitor(registry);
    self->set_down_handler([self](caf::down_msg&) { stop(self); });
    self->send(self, next_atom::value, uint64_t{0});
    return {
      [self](next_atom, uint64_t token) {
        auto& st = self->state;
        if (token == 0 && st.phase.empty())
          return begin(self);  // the first step
        if (token == st.timer_token && st.phase == "backoff")
          next_step(self);
      },
      [self](started_atom, const std::string&, int32_t attempt) {
        auto& st = self->state;
        if (attempt != st.attempt_no || st.phase != "waiting")
          return;
        st.started_ms = now_ms();
        st.attempt_started = std::chrono::steady_clock::now();
        report(self, "running");
      },
      [self](tick_atom) {
        if (self->state.retry_write)
          self->state.retry_write();
      },
      [self](run_now_atom) {
        auto& st = self->state;
        if (st.phase != "backoff")
          return;
        ++st.timer_token;
        next_step(self);
      },
      [self](shutdown_atom) {
        auto& st = self->state;
        st.shutting_down = true;
        if (st.phase == "backoff")
          return stop(self);
        if (st.phase == "waiting") {
          // Still queued at the gate: withdraw; the order resumes elsewhere.
          self->send(current_stage(self).gate, cancel_atom::value, st.order.id);
          return stop(self);
        }
        // running / writing: let the attempt finish and be checkpointed.
      },
      [self](cancel_atom) {
        auto& st = self->state;
        if (st.stage_index < st.cfg->stages.size() && (st.phase == "waiting" || st.phase == "running"))
          self->send(current_stage(self).gate, cancel_atom::value, st.order.id);
        stop(self);
      },
    };
  });
}

}  // namespace khaacho
