// `khaacho worker`: a pipeline node without the public API, for cluster
// deployments (many workers behind one or more `serve` nodes). It processes
// orders (from the stream when REDIS_URL is set, else from the database),
// sends webhooks, and answers only GET /healthz, /readyz and /metrics on
// http.port, for health checks and scrapers. No JWT secret is needed.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>

#include "actors/catalog_watcher.hpp"
#include "actors/db_call.hpp"
#include "actors/db_pool.hpp"
#include "actors/pipeline.hpp"
#include "actors/webhook_sender.hpp"
#include "adapters/db/pg_connection.hpp"
#include "adapters/storage/blob_storage.hpp"
#include "app/cluster_setup.hpp"
#include "app/commands.hpp"
#include "app/database_setup.hpp"
#include "app/pipeline_stages.hpp"
#include "app/readiness.hpp"
#include "app/stop_actors.hpp"
#include "common/errc.hpp"
#include "common/log.hpp"
#include "http/health_routes.hpp"
#include "http/http_server.hpp"
#include "http/metrics_routes.hpp"
#include "services/runtime_metrics.hpp"

namespace khaacho::app {

int run_worker(const command_line& cl, const config::settings& s) {
  // As serve: main waits for the stop signals, no thread handles them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto node = node_name(s);
  log::info("starting worker", {{"node", node}, {"version", KHAACHO_VERSION},
                                {"database", db::redact_url(s.database.url)}});
  if (!s.pipeline.enabled) {
    log::error("cannot start", {{"reason", "a worker runs the pipeline: pipeline.enabled must be true"}});
    return 2;
  }
  auto files = prepare_schema(s, cl.options.count("migrate") > 0);
  if (!files) {
    log::error("cannot start", {{"reason", describe(files.error())}});
    return 1;
  }
  // The OCR stage reads the uploaded photos: the worker needs the same storage.
  auto storage = storage::make_blob_storage(s.storage);
  if (!storage) {
    log::error("cannot start", {{"reason", describe(storage.error())}});
    return 2;
  }

  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", std::max(2u, std::thread::hardware_concurrency()));
  cfg.set("logger.verbosity", caf::atom("quiet"));
  cfg.set("work-stealing.aggressive-poll-attempts", 100);
  cfg.set("work-stealing.moderate-poll-attempts", 0);
  caf::actor_system sys{cfg};
  auto pool = sys.spawn(db_pool, db_pool_config{s.database.url, s.database.pool_size,
                                                connection_options(s, false)});
  db_client db{sys, pool, s.database.statement_timeout + std::chrono::seconds{5}};
  auto catalog = std::make_shared<services::catalog_holder>();
  auto watcher = sys.spawn<caf::detached>(
    catalog_watcher, catalog_watcher_config{db, catalog, s.normalize.catalog_poll});
  // Background actors first, while the pool still answers the query one of
  // them may be waiting on (else that wait lasts its whole timeout).
  auto stop_helpers = [&](caf::actor webhook_out) {
    stop_and_wait(sys, {watcher, webhook_out}, std::chrono::seconds{2});
    caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
    await_actors_done(sys, std::chrono::seconds{2});
  };
  auto stages = production_stages(sys, pool, s, node, catalog);
  if (auto missing = missing_stages(stages); !missing.empty()) {
    log::error("cannot start", {{"reason", "no implementation for stage " + missing.front()}});
    stop_helpers({});
    return 1;
  }
  auto cluster = start_cluster(sys, s, node, "worker", advertised_address(s));
  if (!cluster) {
    log::error("cannot start", {{"reason", describe(cluster.error())}});
    stop_helpers({});
    return 2;
  }
  if (!*cluster)
    log::info("no REDIS_URL: this worker claims orders from the database (single-node mode)");
  auto started = start_pipeline(sys, pool, s, node, std::move(stages),
                                *cluster ? (*cluster)->for_pipeline() : pipeline_cluster{});
  if (!started) {
    log::error("cannot start", {{"reason", describe(started.error())}});
    stop_helpers({});
    return 1;
  }
  auto pipe = std::move(*started);
  if (*cluster)
    join_cluster(**cluster, pipe.registry);
  caf::actor webhook_out;
  if (s.webhooks.enabled)
    webhook_out = sys.spawn<caf::detached>(webhook_sender,
                                           webhook_sender_config{db, node, s.webhooks});

  http::http_server::options http_opts;
  http_opts.threads = 2;
  http_opts.read_timeout = s.http.read_timeout;
  http_opts.write_timeout = s.http.write_timeout;
  http_opts.max_body_bytes = 64 * 1024;
  http::http_server server{http_opts};
  http::add_health_routes(server.routes(),
                          make_readiness_probe(sys, pool, *files, std::chrono::milliseconds{3000}));
  services::runtime_metrics runtime_gauges{sys, pool, pipe.gates};
  http::add_metrics_routes(server.routes(), {s.metrics.token, [&runtime_gauges](metrics::text_writer& out) {
                                               runtime_gauges.collect(out);
                                             }});
  auto port = server.bind(s.http.host, static_cast<int>(s.http.port));
  if (!port) {
    log::error("cannot start", {{"reason", describe(port.error())}});
    stop_pipeline(sys, pipe, std::chrono::seconds{1});
    if (*cluster)
      stop_cluster(sys, **cluster, std::chrono::seconds{1});
    stop_helpers(webhook_out);
    return 1;
  }
  server.start();
  log::info("worker running", {{"host", s.http.host}, {"port", std::to_string(*port)},
                               {"node", node}, {"cluster", *cluster ? "redis" : "none"}});

  int sig = 0;
  sigwait(&stop_signals, &sig);
  log::info("stopping", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  // The registry stops claiming first; /healthz and /readyz answer while the
  // running attempts finish.
  auto stopped = stop_pipeline(sys, pipe, s.node.shutdown_grace);
  server.drain(std::chrono::seconds{1});
  if (!stopped) {
    log::warn("stages still running after the shutdown grace; exiting, their orders resume"
              " when the leases expire",
              {{"grace_s", std::to_string(s.node.shutdown_grace.count())}});
    std::fflush(stdout);
    std::_Exit(exit_code_grace_overrun);
  }
  if (*cluster)
    stop_cluster(sys, **cluster, std::chrono::seconds{2});
  stop_helpers(webhook_out);
  log::info("stopped", {{"node", node}});
  return 0;
}

}  // namespace khaacho::app
