#include "services/pipeline_control.hpp"

#include <caf/scoped_actor.hpp>

#include "common/errc.hpp"

namespace khaacho::services {

namespace {

caf::error no_pipeline() {
  return caf::make_error(errc::bad_input, "this node runs no pipeline");
}

/// Sends one request from a temporary scoped actor and waits for a `T`.
template <class T, class Handle, class... Ts>
caf::expected<T> ask(caf::actor_system& sys, const Handle& dest, std::chrono::milliseconds timeout,
                     Ts&&... xs) {
  caf::scoped_actor self{sys};
  caf::expected<T> out{caf::make_error(caf::sec::request_timeout)};
  self->request(dest, caf::duration{timeout}, std::forward<Ts>(xs)...)
    .receive([&](T& x) { out = std::move(x); }, [&](caf::error& e) { out = std::move(e); });
  return out;
}

}  // namespace

bool pipeline_control::known_stage(const std::string& stage) {
  for (const char* name : pipeline_stages)
    if (stage == name)
      return true;
  return false;
}

caf::expected<std::vector<supervisor_snapshot>> pipeline_control::supervisors() const {
  if (!pipe_)
    return no_pipeline();
  return ask<std::vector<supervisor_snapshot>>(*sys_, pipe_->registry, timeout_,
                                               snapshot_atom::value);
}

caf::expected<registry_stats> pipeline_control::registry() const {
  if (!pipe_)
    return no_pipeline();
  return ask<registry_stats>(*sys_, pipe_->registry, timeout_, stats_atom::value);
}

caf::expected<std::vector<gate_view>> pipeline_control::gates() const {
  if (!pipe_)
    return no_pipeline();
  std::vector<gate_view> out;
  out.reserve(pipe_->gates.size());
  for (const auto& gate : pipe_->gates) {
    gate_view v;
    auto stats = ask<gate_stats>(*sys_, gate, timeout_, stats_atom::value);
    if (!stats)
      return stats.error();
    v.stats = std::move(*stats);
    auto waiting = ask<std::vector<std::string>>(*sys_, gate, timeout_, snapshot_atom::value);
    if (!waiting)
      return waiting.error();
    v.waiting = std::move(*waiting);
    out.push_back(std::move(v));
  }
  return out;
}

caf::expected<bool> pipeline_control::retry(const std::string& order_id) const {
  if (!pipe_)
    return no_pipeline();
  return ask<bool>(*sys_, pipe_->registry, timeout_, retry_atom::value, order_id);
}

caf::expected<bool> pipeline_control::cancel(const std::string& order_id) const {
  if (!pipe_)
    return no_pipeline();
  return ask<bool>(*sys_, pipe_->registry, timeout_, cancel_atom::value, order_id);
}

caf::expected<bool> pipeline_control::run_now(const std::string& order_id) const {
  if (!pipe_)
    return no_pipeline();
  return ask<bool>(*sys_, pipe_->registry, timeout_, run_now_atom::value, order_id);
}

caf::expected<gate_stats> pipeline_control::hold(const std::string& stage, bool paused) const {
  if (!pipe_)
    return no_pipeline();
  for (size_t i = 0; i < pipe_->gates.size() && i < pipeline_stage_count; ++i) {
    if (stage != pipeline_stages[i])
      continue;
    const auto& gate = pipe_->gates[i];
    caf::scoped_actor self{*sys_};
    // Messages from one sender arrive in order: the stats answer already
    // reflects the pause or resume.
    if (paused)
      self->send(gate, pause_atom::value);
    else
      self->send(gate, resume_atom::value);
    caf::expected<gate_stats> out{caf::make_error(caf::sec::request_timeout)};
    self->request(gate, caf::duration{timeout_}, stats_atom::value)
      .receive([&](gate_stats& s) { out = std::move(s); },
               [&](caf::error& e) { out = std::move(e); });
    return out;
  }
  return caf::make_error(errc::not_found, "no stage " + stage);
}

caf::expected<gate_stats> pipeline_control::pause(const std::string& stage) const {
  return hold(stage, true);
}

caf::expected<gate_stats> pipeline_control::resume(const std::string& stage) const {
  return hold(stage, false);
}

}  // namespace khaacho::services
