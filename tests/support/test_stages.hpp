// Controllable pipeline stages for actor tests: each call asks a script what
// to do (succeed, fail transiently or permanently, hang, throw, ask for
// review, after a delay) and is recorded with its timing, so tests can check
// order, overlap, rates and retries. Test-only: never linked into khaacho.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/stage_gate.hpp"

namespace khaacho::test {

enum class stage_action_kind {
  succeed,
  fail_transient,
  fail_permanent,
  fail_db_unavailable,  ///< the stage's own database call could not reach PostgreSQL
  hang,
  throw_error,
  review
};

struct stage_action {
  stage_action_kind kind = stage_action_kind::succeed;
  std::chrono::milliseconds delay{0};  ///< work time before the outcome
  std::optional<std::chrono::milliseconds> retry_after;
};

struct stage_call {
  std::string order_id;
  std::string retailer_id;
  std::string stage;
  int32_t attempt = 0;
  std::chrono::steady_clock::time_point start;
  std::chrono::steady_clock::time_point end;
};

class stage_script {
public:
  using rule = std::function<stage_action(const stage_request&)>;

  /// What `stage` does from now on (default: succeed at once).
  void set(const std::string& stage, rule r);

  stage_action decide(const stage_request& req);
  void started(const stage_request& req);
  void ended(const stage_request& req);

  std::vector<stage_call> calls() const;
  std::vector<stage_call> calls(const std::string& stage) const;
  /// Most attempts of `stage` that overlapped at any moment.
  int max_overlap(const std::string& stage) const;

private:
  mutable std::mutex mtx_;
  std::map<std::string, rule> rules_;
  std::vector<stage_call> calls_;
  std::map<std::string, int> running_;
  std::map<std::string, int> max_running_;
};

/// The newest actor of each stage (gates call factories concurrently).
class latest_stage_actors {
public:
  void set(const std::string& stage, stage_actor a) {
    std::lock_guard<std::mutex> g{mtx_};
    actors_[stage] = std::move(a);
  }
  stage_actor get(const std::string& stage) const {
    std::lock_guard<std::mutex> g{mtx_};
    auto it = actors_.find(stage);
    return it == actors_.end() ? stage_actor{} : it->second;
  }

private:
  mutable std::mutex mtx_;
  std::map<std::string, stage_actor> actors_;
};

/// Blocking stages (detached worker pools of `workers` threads) that follow
/// `script`. `latest` receives each stage's newest actor (to kill it).
std::map<std::string, stage_factory>
make_test_stages(caf::actor_system& sys, std::shared_ptr<stage_script> script, size_t workers,
                 std::shared_ptr<latest_stage_actors> latest = nullptr);

}  // namespace khaacho::test
