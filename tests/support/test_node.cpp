#include "support/test_node.hpp"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>

#include "actors/blocking_stage.hpp"
#include "actors/db_pool.hpp"
#include "actors/pipeline.hpp"
#include "adapters/db/pg_connection.hpp"
#include "app/cluster_setup.hpp"
#include "common/errc.hpp"
#include "common/log.hpp"

namespace khaacho::test {

const char* const test_stage_effects_ddl =
  "CREATE TABLE IF NOT EXISTS test_stage_effects ("
  " order_id uuid NOT NULL, stage text NOT NULL, node text NOT NULL,"
  " invocations int NOT NULL DEFAULT 1, PRIMARY KEY (order_id, stage))";

namespace {

int64_t env_int(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoll(v) : fallback;
}

std::string env_str(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

}  // namespace

int run_test_node() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  log::init("warn");

  auto node = env_str("KHAACHO_TEST_NODE");
  auto url = env_str("DATABASE_URL");
  auto latency = std::chrono::milliseconds{env_int("KHAACHO_TEST_LATENCY_MS", 20)};
  auto fail_stage = env_str("KHAACHO_TEST_FAIL_STAGE");
  // Each stage worker holds a database connection: tests that run three
  // nodes at once keep within the server's max_connections with fewer.
  auto workers = static_cast<size_t>(env_int("KHAACHO_TEST_WORKERS", 8));

  config::settings s;
  s.database.url = url;
  s.node.lease_duration = std::chrono::seconds{env_int("KHAACHO_TEST_LEASE_S", 5)};
  s.node.max_in_flight = env_int("KHAACHO_TEST_IN_FLIGHT", 50);
  s.pipeline.claim_interval = std::chrono::milliseconds{200};
  for (auto& kv : s.stages) {
    kv.second.initial_backoff = std::chrono::milliseconds{env_int("KHAACHO_TEST_BACKOFF_MS", 50)};
    kv.second.max_backoff = std::chrono::hours{1};
    kv.second.timeout = std::chrono::seconds{10};
    kv.second.max_concurrent = 50;
    kv.second.max_per_second = 100000;
  }
  s.pipeline.backoff_jitter = false;

  caf::actor_system_config cfg;
  cfg.set("logger.verbosity", caf::atom("quiet"));
  cfg.set("work-stealing.moderate-poll-attempts", 0);
  caf::actor_system sys{cfg};
  auto pool = sys.spawn(db_pool, db_pool_config{url, 4, db::pg_options{}});

  std::map<std::string, stage_factory> stages;
  for (const char* name : pipeline_stages) {
    std::string stage = name;
    stages[stage] = [&sys, stage, node, url, latency, fail_stage, workers]() {
      return spawn_blocking_stage(sys, stage, [=]() -> stage_function {
        // One connection per worker, opened once (like a TessBaseAPI).
        auto conn = std::make_shared<std::unique_ptr<db::pg_connection>>();
        return [=](const stage_request& req,
                   const std::atomic<bool>& cancelled) -> caf::expected<stage_result> {
          auto until = std::chrono::steady_clock::now() + latency;
          while (!cancelled && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds{2});
          if (!*conn) {
            auto c = db::pg_connection::open(url);
            if (!c)
              return c.error();
            *conn = std::make_unique<db::pg_connection>(std::move(*c));
          }
          auto effect = (*conn)->exec(
            "INSERT INTO test_stage_effects (order_id, stage, node) VALUES ($1::uuid, $2, $3)"
            " ON CONFLICT (order_id, stage) DO UPDATE"
            " SET invocations = test_stage_effects.invocations + 1",
            db::pg_params(req.order_id, req.stage, node));
          if (!effect)
            return effect.error();
          if (req.stage == fail_stage && req.attempt == 1)
            return stage_failure(errc::upstream_unavailable, "first attempt fails");
          return stage_result{};
        };
      }, workers);
    };
  }
  std::optional<app::cluster_node> cluster;
  if (auto redis = env_str("REDIS_URL"); !redis.empty()) {
    s.cluster.redis_url = redis;
    s.cluster.heartbeat_interval = std::chrono::seconds{1};
    auto c = app::start_cluster(sys, s, node, "worker", "");
    if (!c || !*c) {
      std::cerr << "cannot join the cluster\n";
      return 1;
    }
    cluster = std::move(**c);
  }
  auto p = start_pipeline(sys, pool, s, node, stages,
                          cluster ? cluster->for_pipeline() : pipeline_cluster{});
  if (!p) {
    std::cerr << "cannot start: " << describe(p.error()) << "\n";
    return 1;
  }
  if (cluster)
    app::join_cluster(*cluster, p->registry);
  std::cout << "NODE READY" << std::endl;
  // Uploads to this node: each order is stored, then handed on exactly as
  // serve's upload path does (to the stream, or to the local registry).
  std::thread uploader;
  if (auto uploads = env_int("KHAACHO_TEST_UPLOADS", 0); uploads > 0) {
    auto every = std::chrono::milliseconds{env_int("KHAACHO_TEST_UPLOAD_EVERY_MS", 0)};
    caf::actor link = cluster ? cluster->link : caf::actor{};
    caf::actor registry = p->registry;
    uploader = std::thread{[url, uploads, every, link, registry] {
      auto conn = db::pg_connection::open(url);
      if (!conn)
        return;
      for (int64_t i = 0; i < uploads; ++i) {
        auto r = conn->exec("INSERT INTO uploaded_orders (id, retailer_id, image_key, image_url,"
                            " image_content_type, image_size)"
                            " VALUES (gen_random_uuid(), '0b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c11',"
                            " 'orders/x_' || $1 || '.jpg', 'file:///x', 'image/jpeg', 1)"
                            " RETURNING id::text AS id",
                            db::pg_params(i));
        if (!r || r->empty())
          continue;
        auto id = r->row(0).get<std::string>("id");
        if (link)
          caf::anon_send(link, publish_atom::value, id);
        else
          caf::anon_send(registry, accepted_atom::value, id);
        if (every.count() > 0)
          std::this_thread::sleep_for(every);
      }
      std::cout << "UPLOADS DONE" << std::endl;
    }};
  }
  int sig = 0;
  sigwait(&stop_signals, &sig);
  if (uploader.joinable())
    uploader.join();
  bool clean = stop_pipeline(sys, *p, std::chrono::seconds{10});
  if (cluster)
    app::stop_cluster(sys, *cluster, std::chrono::seconds{2});
  caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
  std::cout << (clean ? "NODE STOPPED" : "NODE STOPPED LATE") << std::endl;
  return 0;
}

std::unique_ptr<child_process> start_test_node(const std::string& node,
                                               std::map<std::string, std::string> env) {
  char exe[4096];
  auto n = ::readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n <= 0)
    throw std::runtime_error("cannot find this test binary in /proc/self/exe");
  env["KHAACHO_TEST_NODE"] = node;
  auto p = std::make_unique<child_process>(
    std::vector<std::string>{std::string{exe, static_cast<size_t>(n)}}, env);
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  while (p->out().find("NODE READY") == std::string::npos) {
    if (std::chrono::steady_clock::now() > until || p->wait(std::chrono::milliseconds{0}))
      throw std::runtime_error("node did not start: " + p->out() + p->err());
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  return p;
}

}  // namespace khaacho::test
