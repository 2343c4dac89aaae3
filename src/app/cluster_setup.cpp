#include "app/cluster_setup.hpp"

#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <unistd.h>

#include "actors/atoms.hpp"
#include "actors/cluster_link.hpp"
#include "actors/stream_consumer.hpp"
#include "common/errc.hpp"
#include "common/log.hpp"
#include "model/redis_url.hpp"

namespace khaacho::app {

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

}  // namespace

pipeline_cluster cluster_node::for_pipeline() const {
  return pipeline_cluster{stream, link, fetch_block};
}

std::string advertised_address(const config::settings& s) {
  auto host = s.http.host;
  if (host.empty() || host == "0.0.0.0" || host == "::") {
    char name[256] = {0};
    host = gethostname(name, sizeof(name) - 1) == 0 ? name : "localhost";
  }
  return host + ":" + std::to_string(s.http.port);
}

std::string consumer_name(const std::string& node) {
  // Unique per start: a restarted node must not inherit the pending
  // entries of its previous run (others reclaim them after the lease time).
  return node + ":" + std::to_string(now_ms()) + ":" + std::to_string(::getpid());
}

caf::expected<std::optional<cluster_node>> start_cluster(caf::actor_system& sys,
                                                         const config::settings& s,
                                                         const std::string& node,
                                                         const std::string& role,
                                                         const std::string& address) {
  if (s.cluster.redis_url.empty())
    return std::optional<cluster_node>{};
  std::string why;
  auto endpoint = model::parse_redis_url(s.cluster.redis_url, &why);
  if (!endpoint)
    return caf::make_error(errc::bad_input, "'cluster.redis-url' (REDIS_URL): " + why);
  cluster_node c;
  c.consumer = consumer_name(node);
  auto lease = std::chrono::duration_cast<std::chrono::milliseconds>(s.node.lease_duration);
  stream_consumer_config sc;
  sc.endpoint = *endpoint;
  sc.consumer = c.consumer;
  sc.reclaim_idle = lease;
  sc.reclaim_interval = std::max<std::chrono::milliseconds>(std::chrono::milliseconds{500}, lease / 4);
  sc.block = std::clamp<std::chrono::milliseconds>(s.pipeline.claim_interval,
                                                   std::chrono::milliseconds{100},
                                                   std::chrono::milliseconds{2000});
  c.fetch_block = sc.block;
  c.stream = spawn_stream_consumer(sys, sc);
  cluster_link_config lc;
  lc.endpoint = *endpoint;
  lc.consumer = c.consumer;
  lc.node = node;
  lc.address = address;
  lc.role = role;
  lc.started_ms = now_ms();
  lc.heartbeat_interval = s.cluster.heartbeat_interval;
  c.link = spawn_cluster_link(sys, lc);
  log::info("cluster mode", {{"redis", model::redact_redis_url(s.cluster.redis_url)},
                             {"consumer", c.consumer}, {"role", role}});
  return std::optional<cluster_node>{std::move(c)};
}

void join_cluster(const cluster_node& c, const caf::actor& registry) {
  if (registry)
    caf::anon_send(c.link, join_atom::value, registry);
}

void stop_cluster(caf::actor_system& sys, cluster_node& c, std::chrono::milliseconds timeout) {
  {
    caf::scoped_actor self{sys};
    self->request(c.link, caf::duration{timeout}, shutdown_atom::value)
      .receive([](bool) {}, [](caf::error&) {});
  }
  caf::anon_send_exit(c.link, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(c.stream, caf::exit_reason::user_shutdown);
}

}  // namespace khaacho::app
