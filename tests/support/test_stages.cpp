#include "support/test_stages.hpp"

#include <stdexcept>
#include <thread>

#include "actors/blocking_stage.hpp"

namespace khaacho::test {

void stage_script::set(const std::string& stage, rule r) {
  std::lock_guard<std::mutex> g{mtx_};
  rules_[stage] = std::move(r);
}

stage_action stage_script::decide(const stage_request& req) {
  rule r;
  {
    std::lock_guard<std::mutex> g{mtx_};
    auto it = rules_.find(req.stage);
    if (it != rules_.end())
      r = it->second;
  }
  return r ? r(req) : stage_action{};
}

void stage_script::started(const stage_request& req) {
  std::lock_guard<std::mutex> g{mtx_};
  stage_call c{req.order_id, req.retailer_id, req.stage, req.attempt,
               std::chrono::steady_clock::now(), {}};
  calls_.push_back(c);
  auto n = ++running_[req.stage];
  max_running_[req.stage] = std::max(max_running_[req.stage], n);
}

void stage_script::ended(const stage_request& req) {
  std::lock_guard<std::mutex> g{mtx_};
  --running_[req.stage];
  for (auto it = calls_.rbegin(); it != calls_.rend(); ++it)
    if (it->order_id == req.order_id && it->stage == req.stage && it->attempt == req.attempt) {
      it->end = std::chrono::steady_clock::now();
      break;
    }
}

std::vector<stage_call> stage_script::calls() const {
  std::lock_guard<std::mutex> g{mtx_};
  return calls_;
}

std::vector<stage_call> stage_script::calls(const std::string& stage) const {
  std::lock_guard<std::mutex> g{mtx_};
  std::vector<stage_call> out;
  for (const auto& c : calls_)
    if (c.stage == stage)
      out.push_back(c);
  return out;
}

int stage_script::max_overlap(const std::string& stage) const {
  std::lock_guard<std::mutex> g{mtx_};
  auto it = max_running_.find(stage);
  return it == max_running_.end() ? 0 : it->second;
}

namespace {

/// Sleeps up to `d`, returning early once `cancelled` turns true.
void wait_for(std::chrono::milliseconds d, const std::atomic<bool>& cancelled) {
  auto until = std::chrono::steady_clock::now() + d;
  while (!cancelled && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds{2});
}

}  // namespace

std::map<std::string, stage_factory>
make_test_stages(caf::actor_system& sys, std::shared_ptr<stage_script> script, size_t workers,
                 std::shared_ptr<latest_stage_actors> latest) {
  std::map<std::string, stage_factory> out;
  for (const char* name : pipeline_stages) {
    std::string stage = name;
    out[stage] = [&sys, script, workers, latest, stage]() {
      auto actor = spawn_blocking_stage(sys, stage, [script]() -> stage_function {
        return [script](const stage_request& req,
                        const std::atomic<bool>& cancelled) -> caf::expected<stage_result> {
          script->started(req);
          auto action = script->decide(req);
          struct end_guard {
            stage_script* s;
            const stage_request* r;
            ~end_guard() { s->ended(*r); }
          } guard{script.get(), &req};
          wait_for(action.delay, cancelled);
          switch (action.kind) {
            case stage_action_kind::succeed:
              return stage_result{R"({"stage":")" + req.stage + R"(","attempt":)"
                                    + std::to_string(req.attempt) + "}",
                                  false, ""};
            case stage_action_kind::review:
              return stage_result{"{}", true, "test asks for review"};
            case stage_action_kind::fail_transient:
              return stage_failure(errc::upstream_unavailable, "test: service unavailable",
                                   action.retry_after);
            case stage_action_kind::fail_permanent:
              return caf::make_error(errc::upstream_rejected, "test: request refused");
            case stage_action_kind::fail_db_unavailable:
              return caf::make_error(errc::db_unavailable, "test: database unreachable");
            case stage_action_kind::hang:
              wait_for(std::chrono::seconds{30}, cancelled);
              return stage_result{};
            case stage_action_kind::throw_error:
              throw std::runtime_error("test stage threw");
          }
          return stage_result{};
        };
      }, workers);
      if (latest)
        latest->set(stage, actor);
      return actor;
    };
  }
  return out;
}

}  // namespace khaacho::test
