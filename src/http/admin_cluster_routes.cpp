// The admin API's cluster-wide reads: GET /admin/cluster and the
// scope=cluster listing of GET /admin/actors, both from the nodes' heartbeats.
#include "http/admin_routes.hpp"

#include <chrono>

#include <httplib.h>

#include "common/json_writer.hpp"
#include "http/admin_access.hpp"
#include "http/admin_json.hpp"
#include "http/error_response.hpp"
#include "model/rfc3339.hpp"

namespace khaacho::http {

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

std::string node_json(const model::node_heartbeat& n, int64_t now) {
  json_object o;
  o.add("node", n.node)
    .add_or_null("address", n.address)
    .add("role", n.role)
    .add("version", n.version)
    .add("capacity", n.capacity)
    .add("inFlight", n.in_flight)
    .add("free", std::max<int64_t>(0, n.capacity - n.in_flight))
    .add("supervisors", static_cast<int64_t>(n.supervisors.size()))
    .add("supervisorsTruncated", n.truncated)
    .add_or_null("consumer", n.consumer);
  if (n.started_ms > 0)
    o.add("startedAt", model::rfc3339_from_epoch_ms(n.started_ms));
  else
    o.add_null("startedAt");
  o.add("lastHeartbeat", model::rfc3339_from_epoch_ms(n.sent_ms))
    .add("heartbeatAgeMs", std::max<int64_t>(0, now - n.sent_ms));
  return o.str();
}

void handle_cluster(const admin_routes_deps& d, const httplib::Request& req,
                    httplib::Response& res) {
  if (!admin_caller(req, res, *d.verifier, admin_need::read))
    return;
  std::vector<model::node_heartbeat> nodes;
  bool cluster = d.cluster != nullptr && d.cluster->enabled();
  if (cluster) {
    auto read = d.cluster->nodes();
    if (!read)
      return send_service_error(res, read.error());
    nodes = std::move(*read);
  } else {
    // A single node is the whole cluster: describe it from its registry.
    model::node_heartbeat self;
    self.node = d.node;
    self.version = KHAACHO_VERSION;
    self.role = "serve";
    self.sent_ms = now_ms();
    if (d.control->enabled()) {
      auto reg = d.control->registry();
      if (!reg)
        return send_service_error(res, reg.error());
      self.capacity = reg->max_in_flight;
      self.in_flight = reg->in_flight;
      auto snaps = d.control->supervisors();
      if (snaps)
        for (const auto& s : *snaps)
          self.supervisors.push_back({s.order_id, s.stage, s.state, s.attempt, s.since_ms});
    }
    nodes.push_back(std::move(self));
  }
  auto now = now_ms();
  json_array items;
  int64_t capacity = 0;
  int64_t in_flight = 0;
  for (const auto& n : nodes) {
    items.add_raw(node_json(n, now));
    capacity += n.capacity;
    in_flight += n.in_flight;
  }
  json_object totals;
  totals.add("nodes", static_cast<int64_t>(nodes.size()))
    .add("capacity", capacity)
    .add("inFlight", in_flight);
  json_object body;
  body.add("node", d.node)
    .add("mode", cluster ? "cluster" : "single")
    .add_raw("nodes", items.str())
    .add_raw("totals", totals.str());
  res.set_content(body.str(), "application/json");
}

}  // namespace

bool send_cluster_actors(const admin_routes_deps& d, const services::actor_filter& filter,
                         httplib::Response& res) {
  if (d.cluster == nullptr || !d.cluster->enabled())
    return false;  // a single node: its own listing is the cluster's
  auto snaps = d.cluster->supervisors();
  if (!snaps) {
    send_service_error(res, snaps.error());
    return true;
  }
  auto page = services::select_actors(std::move(*snaps), {}, filter);
  json_array items;
  for (const auto& e : page.items)
    items.add_raw(actor_json(e));
  json_object body;
  body.add("node", d.node)
    .add("scope", "cluster")
    .add_raw("items", items.str())
    .add("matched", page.matched);
  if (page.next)
    body.add("nextCursor", *page.next);
  else
    body.add_null("nextCursor");
  res.set_content(body.str(), "application/json");
  return true;
}

void add_admin_cluster_routes(httplib::Server& server, const admin_routes_deps& deps) {
  server.Get("/admin/cluster", [deps](const httplib::Request& req, httplib::Response& res) {
    handle_cluster(deps, req, res);
  });
}

}  // namespace khaacho::http
