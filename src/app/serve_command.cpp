// `khaacho serve`: checks the schema, starts the actor system, the database
// pool and the HTTP server, and runs until SIGINT or SIGTERM.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <optional>
#include <iostream>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>

#include <unistd.h>

#include "actors/db_call.hpp"
#include "actors/db_pool.hpp"
#include "actors/catalog_watcher.hpp"
#include "actors/image_sweeper_actor.hpp"
#include "actors/pipeline.hpp"
#include "actors/webhook_sender.hpp"
#include "adapters/auth/token_verifier.hpp"
#include "adapters/storage/blob_storage.hpp"
#include "adapters/db/migrator.hpp"
#include "app/cluster_setup.hpp"
#include "app/commands.hpp"
#include "app/database_setup.hpp"
#include "app/pipeline_stages.hpp"
#include "app/readiness.hpp"
#include "app/stop_actors.hpp"
#include "common/errc.hpp"
#include "common/log.hpp"
#include "http/admin_routes.hpp"
#include "http/health_routes.hpp"
#include "http/http_server.hpp"
#include "http/metrics_routes.hpp"
#include "http/order_routes.hpp"
#include "http/retailer_routes.hpp"
#include "http/review_routes.hpp"
#include "http/webhook_routes.hpp"
#include "services/backlog_gate.hpp"
#include "services/cluster_view.hpp"
#include "services/dev_tokens.hpp"
#include "services/order_images.hpp"
#include "services/order_queries.hpp"
#include "services/orphan_blob_sweep.hpp"
#include "services/rate_limiter.hpp"
#include "services/review_service.hpp"
#include "services/runtime_metrics.hpp"
#include "services/upload_service.hpp"
#include "services/webhook_service.hpp"

namespace khaacho::app {

namespace {

/// How long the background actors may take to finish what they are doing.
constexpr std::chrono::seconds background_stop{2};

}  // namespace

int run_serve(const command_line& cl, const config::settings& s) {
  // Block the stop signals in every thread started from here on; main waits
  // for them with sigwait, so no handler runs inside a CAF or httplib thread.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto node = node_name(s);
  log::info("starting", {{"node", node}, {"version", KHAACHO_VERSION},
                         {"database", db::redact_url(s.database.url)}});
  auto files = prepare_schema(s, cl.options.count("migrate") > 0);
  if (!files) {
    log::error("cannot start", {{"reason", describe(files.error())}});
    return 1;
  }

  if (s.auth.jwt_secret.empty()) {
    log::error("cannot start", {{"reason", "'auth.jwt-secret' is not set (env JWT_SECRET)"}});
    return 2;
  }
  auto storage = storage::make_blob_storage(s.storage);
  if (!storage) {
    log::error("cannot start", {{"reason", describe(storage.error())}});
    return 2;
  }

  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", std::max(2u, std::thread::hardware_concurrency()));
  cfg.set("logger.verbosity", caf::atom("quiet"));
  // CAF's default idle loop sleeps 50 us at a time for 500 rounds before it
  // waits on a condition variable: on a small machine those wake-ups cost a
  // core's worth of context switches under load. Spin briefly, then wait to be
  // notified (enqueue wakes a sleeping worker).
  cfg.set("work-stealing.aggressive-poll-attempts", 100);
  cfg.set("work-stealing.moderate-poll-attempts", 0);
  caf::actor_system sys{cfg};
  auto pool = sys.spawn(db_pool, db_pool_config{s.database.url, s.database.pool_size,
                                                connection_options(s, false)});
  // HTTP threads wait on the pool at most a little longer than a statement.
  db_client db{sys, pool, s.database.statement_timeout + std::chrono::seconds{5}};
  auto sweeper = sys.spawn<caf::detached>(
    image_sweeper, image_sweeper_config{db, storage->get(), s.storage.retention_days,
                                        s.storage.sweep_interval});

  // Without a pipeline (disabled, or a stage without an implementation)
  // accepted orders wait in the database as PROCESSING until a node that
  // runs one claims them.
  std::optional<pipeline> pipe;
  auto catalog = std::make_shared<services::catalog_holder>();
  auto watcher = sys.spawn<caf::detached>(
    catalog_watcher, catalog_watcher_config{db, catalog, s.normalize.catalog_poll});
  auto stages = production_stages(sys, pool, s, node, catalog);
  auto cluster = start_cluster(sys, s, node, "serve", advertised_address(s));
  if (!cluster) {
    log::error("cannot start", {{"reason", describe(cluster.error())}});
    return 2;
  }
  if (!s.pipeline.enabled) {
    log::info("pipeline disabled on this node (pipeline.enabled=false): uploads wait for another"
              " node to claim them");
  } else if (auto missing = missing_stages(stages); !missing.empty()) {
    std::string list;
    for (const auto& m : missing)
      list += (list.empty() ? "" : ", ") + m;
    log::warn("pipeline not started: no implementation yet for stages", {{"stages", list}});
  } else if (auto started = start_pipeline(sys, pool, s, node, std::move(stages),
                                           *cluster ? (*cluster)->for_pipeline() : pipeline_cluster{});
             !started) {
    log::error("cannot start", {{"reason", describe(started.error())}});
    return 1;
  } else {
    pipe = std::move(*started);
  }
  caf::actor registry = pipe ? pipe->registry : caf::actor{};
  caf::actor link = *cluster ? (*cluster)->link : caf::actor{};
  if (*cluster)
    join_cluster(**cluster, registry);
  // A stored order goes to the stream in cluster mode (any node may take
  // it), else straight to this node's registry.
  auto order_ready = [registry, link](const std::string& order_id) {
    if (link)
      caf::anon_send(link, publish_atom::value, order_id);
    else if (registry)
      caf::anon_send(registry, accepted_atom::value, order_id);
  };
  caf::actor webhook_out;  // runs whether or not this node processes orders
  if (s.webhooks.enabled)
    webhook_out = sys.spawn<caf::detached>(webhook_sender,
                                           webhook_sender_config{db, node, s.webhooks});

  auth::token_verifier verifier{s.auth.jwt_secret};
  services::upload_service uploads{db, **storage, s.http.duplicate_window, order_ready};
  services::order_queries queries{db};
  services::review_service reviews{db, order_ready};
  services::rate_limiter limiter{s.http.retailer_rate, static_cast<double>(s.http.retailer_burst)};
  services::inflight_gate uploads_in_flight{s.http.max_in_flight_uploads};
  services::backlog_gate backlog{db, s.node.max_backlog};

  http::http_server::options http_opts;
  http_opts.threads = static_cast<int>(s.http.threads);
  http_opts.read_timeout = s.http.read_timeout;
  http_opts.write_timeout = s.http.write_timeout;
  http_opts.max_body_bytes = static_cast<size_t>(s.http.max_upload_bytes) + 64 * 1024;
  http::http_server server{http_opts};
  http::add_health_routes(server.routes(),
                          make_readiness_probe(sys, pool, *files, std::chrono::milliseconds{3000}));
  http::order_routes_deps deps;
  deps.verifier = &verifier;
  deps.uploads = &uploads;
  deps.queries = &queries;
  deps.limiter = &limiter;
  deps.uploads_in_flight = &uploads_in_flight;
  deps.backlog = &backlog;
  deps.limits.max_image_bytes = s.http.max_upload_bytes;
  deps.limits.max_image_pixels = s.http.max_image_pixels;
  deps.limits.deadline = s.http.upload_deadline;
  deps.cut_off = &server.cut_off();
  http::add_order_routes(server.routes(), deps);
  http::add_review_routes(server.routes(), http::review_routes_deps{&verifier, &reviews, catalog.get()});
  services::order_images images{db, **storage};
  std::optional<services::dev_token_issuer> dev_tokens;
  if (s.auth.dev_tokens) {
    dev_tokens.emplace(s.auth.jwt_secret);
    log::warn("auth.dev-tokens is on: POST /api/dev/token gives anyone who can reach this server"
              " a retailer token; for development only");
  }
  http::add_retailer_routes(server.routes(),
                            {&verifier, &images, dev_tokens ? &*dev_tokens : nullptr});
  services::runtime_metrics runtime_gauges{sys, pool, pipe ? pipe->gates : std::vector<gate_actor>{}};
  http::add_metrics_routes(server.routes(), {s.metrics.token, [&runtime_gauges](metrics::text_writer& out) {
                                               runtime_gauges.collect(out);
                                             }});
  services::pipeline_control control{sys, pipe ? &*pipe : nullptr, std::chrono::seconds{5}};
  services::admin_queries admin_reads{db};
  services::audit_log audit{db};
  services::cluster_view cluster_nodes{sys, link, std::chrono::seconds{5}};
  http::add_admin_routes(server.routes(),
                         {&verifier, &control, &admin_reads, &audit, node, &cluster_nodes});
  services::webhook_service webhooks{db};
  http::add_webhook_routes(server.routes(), {&verifier, &webhooks, s.webhooks.allow_insecure});
  auto port = server.bind(s.http.host, static_cast<int>(s.http.port));
  if (!port) {
    log::error("cannot start", {{"reason", describe(port.error())}});
    if (pipe)
      stop_pipeline(sys, *pipe, std::chrono::seconds{1});
    if (*cluster)
      stop_cluster(sys, **cluster, std::chrono::seconds{1});
    stop_and_wait(sys, {sweeper, watcher, webhook_out}, background_stop);
    caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
    return 1;
  }
  // Before the first upload of this run: images and temporary files the
  // previous run left when it was killed between storing an image and
  // committing its row (a blob without a row).
  if (auto swept = services::sweep_orphan_blobs(db, **storage, s.storage.orphan_age,
                                                s.storage.orphan_window);
      !swept)
    log::warn("orphan image sweep failed; trying again at the next start",
              {{"error", describe(swept.error())}});
  else if (swept->leftovers + swept->removed > 0)
    log::info("orphan image sweep", {{"temporary_files", std::to_string(swept->leftovers)},
                                     {"images_checked", std::to_string(swept->checked)},
                                     {"images_deleted", std::to_string(swept->removed)}});
  server.start();
  log::info("listening", {{"host", s.http.host}, {"port", std::to_string(*port)}, {"node", node},
                          {"storage", (*storage)->name()}});

  int sig = 0;
  sigwait(&stop_signals, &sig);
  log::info("stopping", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  // Everything below fits in node.shutdown-grace from the signal: the
  // registry stops claiming at once and its running attempts finish while
  // HTTP drains; the drain gets half the grace, then cuts what is left
  // (uploads still arriving are answered 503, nothing is stored half).
  const auto grace = std::chrono::duration_cast<std::chrono::milliseconds>(s.node.shutdown_grace);
  const auto stop_margin = std::min(grace / 10, std::chrono::milliseconds{1000});
  std::future<bool> pipeline_stopped;
  if (pipe)
    pipeline_stopped = std::async(std::launch::async, [&sys, &pipe, budget = grace - stop_margin] {
      return stop_pipeline(sys, *pipe, budget);
    });
  server.drain(grace / 2);
  if (pipeline_stopped.valid() && !pipeline_stopped.get()) {
    // A stage stuck in a blocking call would hold the actor system's
    // shutdown: leave now; the orders' leases expire and they resume. The
    // exit code says the stop was not clean (README, "Graceful shutdown").
    log::warn("stages still running after the shutdown grace; exiting, their orders resume"
              " when the leases expire",
              {{"grace_s", std::to_string(s.node.shutdown_grace.count())}});
    std::fflush(stdout);
    std::_Exit(exit_code_grace_overrun);
  }
  if (*cluster)
    stop_cluster(sys, **cluster, std::chrono::seconds{2});
  // Background actors first, while the pool still answers the query one of
  // them may be waiting on (else that wait lasts its whole timeout).
  stop_and_wait(sys, {sweeper, watcher, webhook_out}, background_stop);
  caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
  await_actors_done(sys, background_stop);
  log::info("stopped", {{"node", node}});
  return 0;
}

}  // namespace khaacho::app
