// The admin API's writes: operator actions on orders and stages. Every
// request of a signed-in caller is written to the audit log with its
// outcome, refusals (403, 400, 404, 409, 503) included; 401s are not (no one
// to name). The row is written after the answer is decided: if the log
// cannot be written the action still stands and the failure is logged.
#include "http/admin_routes.hpp"

#include <functional>

#include <httplib.h>
#include <simdjson.h>

#include "common/errc.hpp"
#include "common/json_writer.hpp"
#include "common/log.hpp"
#include "http/admin_access.hpp"
#include "http/admin_json.hpp"
#include "http/auth_guard.hpp"
#include "http/error_response.hpp"
#include "model/uuid.hpp"

namespace khaacho::http {

namespace {

/// The `error.code` of an answer's body, or "applied" for a 2xx answer.
std::string outcome_of(const httplib::Response& res) {
  if (res.status >= 200 && res.status < 300)
    return "applied";
  simdjson::dom::parser parser;
  std::string_view code;
  if (parser.parse(res.body).at_pointer("/error/code").get(code))
    return "error";
  return std::string{code};
}

/// The message of an error answer, for the audit row's detail.
std::string message_of(const httplib::Response& res) {
  simdjson::dom::parser parser;
  std::string_view msg;
  if (res.status < 300 || parser.parse(res.body).at_pointer("/error/message").get(msg))
    return "";
  return std::string{msg};
}

/// Authenticates, checks the admin role, runs `act` and audits the answer.
void audited(const admin_routes_deps& d, const httplib::Request& req, httplib::Response& res,
             const std::string& action, const std::string& target,
             const std::function<void()>& act) {
  auto who = authenticate(req, res, *d.verifier);
  if (!who)
    return;
  if (admin_allowed(*who, admin_need::write))
    act();
  else
    refuse_admin(res, admin_need::write);
  services::audit_entry e;
  e.actor_sub = who->subject;
  e.actor_role = auth::to_string(who->role);
  e.action = action;
  e.target = target.substr(0, 200);  // a path segment as sent; keep rows small
  e.outcome = outcome_of(res);
  e.http_status = res.status;
  e.detail = message_of(res);
  e.request_id = request_id_of(res);
  if (auto ok = d.audit->record(e); !ok)
    log::error("admin audit row not written",
               {{"request_id", e.request_id}, {"action", action}, {"error", describe(ok.error())}});
}

void no_pipeline(httplib::Response& res) {
  send_error(res, 503, "unavailable",
             "this node runs no pipeline (pipeline.enabled=false); ask a node that does");
}

std::string status_in(const std::string& state_json) {
  simdjson::dom::parser parser;
  std::string_view status;
  if (parser.parse(state_json).at_pointer("/status").get(status))
    return "";
  return std::string{status};
}

struct order_action {
  const char* name;  ///< as in the path
  const char* needs; ///< the 409 message's requirement
  int success_status;
  caf::expected<bool> (services::pipeline_control::*run)(const std::string&) const;
};

const order_action order_actions[] = {
  {"retry", "only a FAILED order can be retried", 202, &services::pipeline_control::retry},
  {"cancel", "only a PROCESSING order can be cancelled", 200, &services::pipeline_control::cancel},
  {"run-now", "only a PROCESSING order waiting out a backoff can run now", 202,
   &services::pipeline_control::run_now},
};

void handle_order_action(const admin_routes_deps& d, const order_action& a,
                         const httplib::Request& req, httplib::Response& res) {
  const auto raw = req.matches[1].str();
  audited(d, req, res, a.name, raw, [&] {
    if (!model::is_uuid(raw))
      return send_error(res, 400, "invalid_request", "the order id must be a UUID");
    if (!d.control->enabled())
      return no_pipeline(res);
    auto id = model::lowercase_uuid(raw);
    auto applied = (d.control->*a.run)(id);
    if (!applied)
      return send_service_error(res, applied.error());
    auto state = d.queries->state(id);
    if (!state) {
      if (has_code(state.error(), errc::not_found))
        return send_error(res, 404, "not_found", "no such order");
      return send_service_error(res, state.error());
    }
    if (!*applied) {
      auto status = status_in(*state);
      return send_error(res, 409, "conflict",
                        std::string{a.needs} + "; the order is " + status
                          + (status == "PROCESSING" ? " with its attempt queued or running" : ""));
    }
    json_object body;
    body.add("action", a.name).add_raw("order", *state);
    res.status = a.success_status;
    res.set_content(body.str(), "application/json");
  });
}

void handle_stage_action(const admin_routes_deps& d, bool pause, const httplib::Request& req,
                         httplib::Response& res) {
  const auto stage = req.matches[1].str();
  audited(d, req, res, pause ? "pause" : "resume", stage, [&] {
    if (!services::pipeline_control::known_stage(stage))
      return send_error(res, 404, "not_found", "no such stage");
    if (!d.control->enabled())
      return no_pipeline(res);
    auto stats = pause ? d.control->pause(stage) : d.control->resume(stage);
    if (!stats)
      return send_service_error(res, stats.error());
    json_object body;
    body.add("action", pause ? "pause" : "resume").add_raw("gate", gate_json(*stats));
    res.status = 200;  // set before the audit reads it (httplib sets it only afterwards)
    res.set_content(body.str(), "application/json");
  });
}

}  // namespace

void add_admin_action_routes(httplib::Server& server, const admin_routes_deps& deps) {
  for (const auto& a : order_actions) {
    const order_action* action = &a;
    server.Post(std::string{"/admin/orders/([^/]+)/"} + a.name,
                [deps, action](const httplib::Request& req, httplib::Response& res) {
                  handle_order_action(deps, *action, req, res);
                });
  }
  server.Post(R"(/admin/stages/([^/]+)/pause)",
              [deps](const httplib::Request& req, httplib::Response& res) {
                handle_stage_action(deps, true, req, res);
              });
  server.Post(R"(/admin/stages/([^/]+)/resume)",
              [deps](const httplib::Request& req, httplib::Response& res) {
                handle_stage_action(deps, false, req, res);
              });
}

}  // namespace khaacho::http
