// The admin API's reads: GET /admin/actors, /admin/actors/{id},
// /admin/summary, /admin/audit, and the operator page GET /admin.
#include "http/admin_routes.hpp"

#include <charconv>

#include <httplib.h>

#include "common/errc.hpp"
#include "common/json_writer.hpp"
#include "http/admin_access.hpp"
#include "http/admin_json.hpp"
#include "http/admin_page.hpp"
#include "http/error_response.hpp"
#include "http/query_params.hpp"
#include "model/uuid.hpp"
#include "services/actor_listing.hpp"

namespace khaacho::http {

namespace {

constexpr int max_actor_page = 500;
constexpr int default_actor_page = 100;
constexpr int max_audit_page = 200;
constexpr int default_audit_page = 50;
constexpr int summary_failures = 10;

/// A query parameter that is present and not empty.
std::optional<std::string> param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name) || req.get_param_value(name).empty())
    return std::nullopt;
  return req.get_param_value(name);
}

/// Parses ?stage=&state=&limit=&cursor= ; nullopt after answering 400.
std::optional<services::actor_filter> actor_filter_of(const httplib::Request& req,
                                                      httplib::Response& res) {
  services::actor_filter f;
  f.limit = default_actor_page;
  f.stage = param(req, "stage");
  if (f.stage && !services::pipeline_control::known_stage(*f.stage)) {
    send_error(res, 400, "invalid_request",
               "stage must be one of ocr, extract, normalize, rank, rfq, notify");
    return std::nullopt;
  }
  f.state = param(req, "state");
  if (f.state && !services::known_supervisor_state(*f.state)) {
    send_error(res, 400, "invalid_request", "state must be waiting, running, backoff or writing");
    return std::nullopt;
  }
  if (req.has_param("limit")) {
    auto limit = parse_limit(req.get_param_value("limit"), max_actor_page);
    if (!limit) {
      send_error(res, 400, "invalid_request", "limit must be a positive integer");
      return std::nullopt;
    }
    f.limit = *limit;
  }
  if (auto cursor = param(req, "cursor")) {
    // The cursor is the last order id of the previous page.
    if (!model::is_uuid(*cursor)) {
      send_error(res, 400, "invalid_request", "cursor is not one this server issued");
      return std::nullopt;
    }
    f.after = model::lowercase_uuid(*cursor);
  }
  return f;
}

void handle_actors(const admin_routes_deps& d, const httplib::Request& req,
                   httplib::Response& res) {
  if (!admin_caller(req, res, *d.verifier, admin_need::read))
    return;
  auto filter = actor_filter_of(req, res);
  if (!filter)
    return;
  auto scope = param(req, "scope").value_or("node");
  if (scope != "node" && scope != "cluster")
    return send_error(res, 400, "invalid_request", "scope must be node or cluster");
  if (scope == "cluster" && send_cluster_actors(d, *filter, res))
    return;
  json_object body;
  body.add("node", d.node);
  if (!d.control->enabled()) {
    body.add("pipeline", "disabled")
      .add_raw("items", "[]")
      .add("matched", int64_t{0})
      .add_null("nextCursor")
      .add_raw("gates", "[]")
      .add_null("registry");
    res.set_content(body.str(), "application/json");
    return;
  }
  // Supervisors first: an order queued between the two snapshots has no
  // queue position yet rather than a stale one.
  auto snaps = d.control->supervisors();
  if (!snaps)
    return send_service_error(res, snaps.error());
  auto gates = d.control->gates();
  if (!gates)
    return send_service_error(res, gates.error());
  auto reg = d.control->registry();
  if (!reg)
    return send_service_error(res, reg.error());
  auto page = services::select_actors(std::move(*snaps), *gates, *filter);
  json_array items;
  for (const auto& e : page.items)
    items.add_raw(actor_json(e));
  json_array gate_items;
  for (const auto& g : *gates)
    gate_items.add_raw(gate_json(g.stats));
  body.add("pipeline", "running")
    .add_raw("items", items.str())
    .add("matched", page.matched);
  if (page.next)
    body.add("nextCursor", *page.next);
  else
    body.add_null("nextCursor");
  body.add_raw("gates", gate_items.str()).add_raw("registry", registry_json(*reg));
  res.set_content(body.str(), "application/json");
}

void handle_actor(const admin_routes_deps& d, const httplib::Request& req,
                  httplib::Response& res) {
  if (!admin_caller(req, res, *d.verifier, admin_need::read))
    return;
  const auto& raw = req.matches[1].str();
  if (!model::is_uuid(raw))
    return send_error(res, 400, "invalid_request", "the order id must be a UUID");
  auto id = model::lowercase_uuid(raw);
  auto history = d.queries->history(id);
  if (!history) {
    if (has_code(history.error(), errc::not_found))
      return send_error(res, 404, "not_found", "no such order");
    return send_service_error(res, history.error());
  }
  std::string live = "null";
  if (d.control->enabled()) {
    auto snaps = d.control->supervisors();
    if (!snaps)
      return send_service_error(res, snaps.error());
    std::vector<supervisor_snapshot> mine;
    for (auto& s : *snaps)
      if (s.order_id == id)
        mine.push_back(std::move(s));
    if (!mine.empty()) {
      std::vector<services::gate_view> gates;
      if (mine.front().state == "waiting") {
        auto g = d.control->gates();
        if (!g)
          return send_service_error(res, g.error());
        gates = std::move(*g);
      }
      auto page = services::select_actors(std::move(mine), gates, services::actor_filter{});
      live = actor_json(page.items.front());
    }
  }
  json_object body;
  body.add("orderId", id)
    .add_raw("live", live)
    .add_raw("order", history->order)
    .add_raw("attempts", history->attempts)
    .add_raw("checkpoints", history->checkpoints);
  res.set_content(body.str(), "application/json");
}

void handle_summary(const admin_routes_deps& d, const httplib::Request& req,
                    httplib::Response& res) {
  if (!admin_caller(req, res, *d.verifier, admin_need::read))
    return;
  auto doc = d.queries->summary(summary_failures);
  if (!doc)
    return send_service_error(res, doc.error());
  res.set_content(*doc, "application/json");
}

void handle_audit(const admin_routes_deps& d, const httplib::Request& req,
                  httplib::Response& res) {
  if (!admin_caller(req, res, *d.verifier, admin_need::read))
    return;
  int limit = default_audit_page;
  if (req.has_param("limit")) {
    auto l = parse_limit(req.get_param_value("limit"), max_audit_page);
    if (!l)
      return send_error(res, 400, "invalid_request", "limit must be a positive integer");
    limit = *l;
  }
  std::optional<int64_t> before;
  if (auto cursor = param(req, "cursor")) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(cursor->data(), cursor->data() + cursor->size(), v);
    if (ec != std::errc{} || end != cursor->data() + cursor->size() || v < 1)
      return send_error(res, 400, "invalid_request", "cursor is not one this server issued");
    before = v;
  }
  auto target = param(req, "target");
  if (target && target->size() > 100)
    return send_error(res, 400, "invalid_request", "target is at most 100 characters");
  auto page = d.audit->list(limit, before, target);
  if (!page)
    return send_service_error(res, page.error());
  json_array items;
  for (const auto& item : page->items)
    items.add_raw(item);
  json_object body;
  body.add_raw("items", items.str());
  if (page->next)
    body.add("nextCursor", std::to_string(*page->next));
  else
    body.add_null("nextCursor");
  res.set_content(body.str(), "application/json");
}

void handle_page(httplib::Response& res) {
  // The page holds no data (everything comes from the token-protected
  // endpoints), so it is served to anyone; it may talk to this origin only.
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';"
                 " connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none';"
                 " frame-ancestors 'none'");
  res.set_content(std::string{admin_page_html()}, "text/html; charset=utf-8");
}

}  // namespace

void add_admin_read_routes(httplib::Server& server, const admin_routes_deps& deps) {
  server.Get("/admin/actors", [deps](const httplib::Request& req, httplib::Response& res) {
    handle_actors(deps, req, res);
  });
  server.Get(R"(/admin/actors/([^/]+))", [deps](const httplib::Request& req, httplib::Response& res) {
    handle_actor(deps, req, res);
  });
  server.Get("/admin/summary", [deps](const httplib::Request& req, httplib::Response& res) {
    handle_summary(deps, req, res);
  });
  server.Get("/admin/audit", [deps](const httplib::Request& req, httplib::Response& res) {
    handle_audit(deps, req, res);
  });
  server.Get("/admin", [](const httplib::Request&, httplib::Response& res) { handle_page(res); });
}

void add_admin_routes(httplib::Server& server, const admin_routes_deps& deps) {
  add_admin_read_routes(server, deps);
  add_admin_cluster_routes(server, deps);
  add_admin_action_routes(server, deps);
}

}  // namespace khaacho::http
