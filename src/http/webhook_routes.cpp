#include "http/webhook_routes.hpp"

#include <httplib.h>
#include <simdjson.h>

#include "common/json_writer.hpp"
#include "http/auth_guard.hpp"
#include "http/error_response.hpp"
#include "model/uuid.hpp"
#include "model/webhook_url.hpp"

namespace khaacho::http {

namespace {

/// The retailer a webhook request is about: a retailer's own, or the one an
/// operator or admin names. nullopt after answering.
std::optional<std::string> target_retailer(const auth::principal& who, bool given,
                                           const std::string& retailer_id, httplib::Response& res) {
  if (given && !model::is_uuid(retailer_id)) {
    send_error(res, 400, "invalid_retailer_id", "retailerId must be a UUID");
    return std::nullopt;
  }
  if (who.role == auth::role::retailer) {
    if (given && model::lowercase_uuid(retailer_id) != who.retailer_id) {
      send_error(res, 403, "forbidden", "retailerId differs from the token's retailer");
      return std::nullopt;
    }
    return who.retailer_id;
  }
  if (!given) {
    send_error(res, 400, "invalid_retailer_id",
               "operators and admins must name the retailer (retailerId)");
    return std::nullopt;
  }
  return model::lowercase_uuid(retailer_id);
}

json_object webhook_json(const services::webhook_record& w) {
  json_object o;
  o.add("id", w.id).add("retailerId", w.retailer_id).add("url", w.url).add("createdAt", w.created_at);
  return o;
}

void handle_create(const webhook_routes_deps& d, const httplib::Request& req,
                   httplib::Response& res) {
  auto who = authenticate(req, res, *d.verifier);
  if (!who)
    return;
  if (req.body.size() > max_webhook_body_bytes)
    return send_error(res, 413, "payload_too_large", "a webhook body is at most 8 KiB");
  auto body = parse_webhook_body(req.body);
  if (!body.error.empty())
    return send_error(res, 400, "invalid_request", body.error);
  auto retailer = target_retailer(*who, body.has_retailer_id, body.retailer_id, res);
  if (!retailer)
    return;
  auto url = model::parse_webhook_url(body.url, d.allow_insecure);
  if (!url.url)
    return send_error(res, 400, "invalid_request", url.error);
  auto created = d.webhooks->create(*retailer, url.url->normalized);
  if (!created)
    return send_service_error(res, created.error());
  using o = services::webhook_create_outcome;
  if (created->outcome == o::duplicate)
    return send_error(res, 409, "conflict", "this retailer already has a webhook with that url");
  if (created->outcome == o::too_many)
    return send_error(res, 409, "conflict",
                      "a retailer may have at most "
                        + std::to_string(services::max_webhooks_per_retailer) + " webhooks");
  auto out = webhook_json(created->record);
  out.add("secret", created->secret);
  res.status = 201;
  res.set_header("Location", "/api/webhooks/" + created->record.id);
  // The secret is in this answer only: keep it out of every cache.
  res.set_header("Cache-Control", "no-store");
  res.set_content(out.str(), "application/json");
}

void handle_list(const webhook_routes_deps& d, const httplib::Request& req,
                 httplib::Response& res) {
  auto who = authenticate(req, res, *d.verifier);
  if (!who)
    return;
  auto retailer = target_retailer(*who, req.has_param("retailerId"),
                                  req.get_param_value("retailerId"), res);
  if (!retailer)
    return;
  auto hooks = d.webhooks->list(*retailer);
  if (!hooks)
    return send_service_error(res, hooks.error());
  json_array items;
  for (const auto& w : *hooks)
    items.add(webhook_json(w));
  res.set_content(json_object{}.add_raw("items", items.str()).str(), "application/json");
}

void handle_delete(const webhook_routes_deps& d, const httplib::Request& req,
                   httplib::Response& res) {
  auto who = authenticate(req, res, *d.verifier);
  if (!who)
    return;
  const auto& id = req.matches[1].str();
  if (!model::is_uuid(id))
    return send_error(res, 404, "not_found", "no such webhook");
  std::optional<std::string> scope;
  if (who->role == auth::role::retailer)
    scope = who->retailer_id;
  auto removed = d.webhooks->remove(model::lowercase_uuid(id), scope);
  if (!removed)
    return send_service_error(res, removed.error());
  // Another retailer's webhook answers as a missing one: ids cannot be probed.
  if (!*removed)
    return send_error(res, 404, "not_found", "no such webhook");
  res.status = 204;
}

}  // namespace

parsed_webhook_body parse_webhook_body(const std::string& body) {
  parsed_webhook_body out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc) || !doc.is_object()) {
    out.error = "the body must be a JSON object {\"url\": \"https://...\"}";
    return out;
  }
  std::string_view url;
  if (doc["url"].get(url)) {
    out.error = "url is required and must be a string";
    return out;
  }
  out.url = std::string{url};
  auto r = doc["retailerId"];
  if (!r.error() && !r.is_null()) {
    std::string_view id;
    if (r.get(id)) {
      out.error = "retailerId must be a string";
      return out;
    }
    out.retailer_id = std::string{id};
    out.has_retailer_id = true;
  }
  return out;
}

void add_webhook_routes(httplib::Server& server, webhook_routes_deps deps) {
  server.Post("/api/webhooks", [deps](const httplib::Request& req, httplib::Response& res) {
    handle_create(deps, req, res);
  });
  server.Get("/api/webhooks", [deps](const httplib::Request& req, httplib::Response& res) {
    handle_list(deps, req, res);
  });
  server.Delete(R"(/api/webhooks/([^/]+))",
                [deps](const httplib::Request& req, httplib::Response& res) {
                  handle_delete(deps, req, res);
                });
}

}  // namespace khaacho::http
