// An in-process node for actor tests: a migrated scratch database, the real
// db_pool, registry, supervisors and gates, with controllable test stages.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "actors/db_protocol.hpp"
#include "actors/pipeline.hpp"
#include "adapters/db/pg_connection.hpp"
#include "config/settings.hpp"
#include "support/test_env.hpp"
#include "support/test_stages.hpp"

namespace khaacho::test {

/// Settings with short waits for tests: 50 ms initial backoff (x2 per
/// failure, max 400 ms), no jitter, 2 s stage timeouts, 100 ms claims.
config::settings fast_pipeline_settings();

class pipeline_harness {
public:
  explicit pipeline_harness(std::function<void(config::settings&)> tweak = {},
                            size_t workers_per_stage = 8, const std::string& node = "test-node");
  ~pipeline_harness();

  std::shared_ptr<stage_script> script = std::make_shared<stage_script>();
  std::shared_ptr<latest_stage_actors> latest_stages = std::make_shared<latest_stage_actors>();

  /// Stage factories that replace the test stages (real stages under test).
  std::map<std::string, stage_factory> overrides;

  /// Starts the pipeline (separate from construction so tests can script
  /// stages and insert orders first).
  void start();

  db_pool_actor pool() const { return pool_; }

  /// Inserts a PROCESSING order as an upload would; returns its id.
  std::string add_order(const std::string& retailer_id = "0b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c11",
                        const std::string& image_key = "");
  std::vector<std::string> add_orders(int n, const std::string& retailer_id =
                                               "0b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c11");
  /// Tells the registry an upload arrived.
  void accepted(const std::string& order_id);

  /// Waits until every order in `ids` left PROCESSING; false on timeout.
  bool wait_terminal(const std::vector<std::string>& ids,
                     std::chrono::milliseconds timeout = std::chrono::seconds{60});

  std::string status(const std::string& id);
  std::string failure_reason(const std::string& id);
  /// (attempt, outcome) of `stage` for the order, in attempt order.
  std::vector<std::pair<int, std::string>> attempts(const std::string& id, const std::string& stage);
  int64_t checkpoint_count(const std::string& id);

  /// Sends `msg...` to the registry and waits for a bool answer.
  template <class... Ts>
  bool ask_registry(Ts&&... xs);

  /// Graceful stop; true when the registry released its leases in time.
  bool stop(std::chrono::milliseconds grace = std::chrono::seconds{10});

  db::pg_connection& db();
  caf::actor_system& system() { return *sys_; }
  pipeline& pipe() { return pipe_; }
  config::settings& settings() { return settings_; }
  const std::string& database_url() const { return database_.url(); }

private:
  scratch_database database_;
  config::settings settings_;
  std::string node_;
  size_t workers_;
  std::unique_ptr<caf::actor_system_config> cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  db_pool_actor pool_;
  pipeline pipe_;
  bool stopped_ = false;
  std::unique_ptr<db::pg_connection> conn_;
};

}  // namespace khaacho::test

#include <caf/scoped_actor.hpp>

template <class... Ts>
bool khaacho::test::pipeline_harness::ask_registry(Ts&&... xs) {
  caf::scoped_actor self{*sys_};
  bool out = false;
  self->request(pipe_.registry, std::chrono::seconds{10}, std::forward<Ts>(xs)...)
    .receive([&](bool b) { out = b; }, [&](caf::error&) { out = false; });
  return out;
}
