#include "http/retailer_routes.hpp"

#include <httplib.h>
#include <simdjson.h>

#include "common/errc.hpp"
#include "common/json_writer.hpp"
#include "common/log.hpp"
#include "http/auth_guard.hpp"
#include "http/error_response.hpp"
#include "http/page_policy.hpp"
#include "http/retailer_page.hpp"
#include "model/rfc3339.hpp"
#include "model/uuid.hpp"

namespace khaacho::http {

namespace {

constexpr size_t max_dev_token_body_bytes = 4096;

void handle_page(httplib::Response& res) {
  // The page holds no data (everything comes from the token-protected API),
  // so it is served to anyone; its scripts and styles run by hash only.
  static const std::string policy = page_content_security_policy(retailer_page_html());
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Content-Security-Policy", policy);
  res.set_content(std::string{retailer_page_html()}, "text/html; charset=utf-8");
}

void handle_image(const retailer_routes_deps& d, const httplib::Request& req,
                  httplib::Response& res) {
  auto who = authenticate(req, res, *d.verifier);
  if (!who)
    return;
  const auto& id = req.matches[1].str();
  // As for the status document: what is not a UUID names no order, and it
  // never reaches a query or a storage key.
  if (!model::is_uuid(id))
    return send_error(res, 404, "not_found", "no such order");
  services::order_scope scope;
  if (who->role == auth::role::retailer)
    scope.retailer_id = who->retailer_id;
  auto answer = d.images->fetch(model::lowercase_uuid(id), scope);
  if (!answer)
    return send_service_error(res, answer.error());
  switch (answer->outcome) {
    case services::image_lookup::no_order:
      return send_error(res, 404, "not_found", "no such order");
    case services::image_lookup::deleted:
      return send_error(res, 404, "not_found",
                        "the photo of this order was deleted after the retention period");
    case services::image_lookup::found:
      break;
  }
  // Private to the caller; never rendered as anything but the image it is.
  res.set_header("Cache-Control", "private, max-age=3600");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Content-Security-Policy", "default-src 'none'; sandbox");
  res.set_header("Content-Disposition", "inline");
  res.set_content(std::move(answer->image.bytes), answer->image.content_type);
}

bool dev_tokens_off(const retailer_routes_deps& d, httplib::Response& res) {
  if (d.dev_tokens != nullptr)
    return false;
  send_error(res, 404, "not_found", "development tokens are off (auth.dev-tokens)");
  return true;
}

void handle_dev_status(const retailer_routes_deps& d, httplib::Response& res) {
  if (dev_tokens_off(d, res))
    return;
  json_object body;
  body.add("devTokens", true).add("tokenTtlSeconds", static_cast<int64_t>(d.dev_tokens->ttl().count()));
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.str(), "application/json");
}

void handle_dev_token(const retailer_routes_deps& d, const httplib::Request& req,
                      httplib::Response& res) {
  if (dev_tokens_off(d, res))
    return;
  if (req.body.size() > max_dev_token_body_bytes)
    return send_error(res, 413, "payload_too_large", "the body is at most 4 KiB");
  // An empty body (or {}) asks for a new retailer; {"retailerId": "..."} for a given one.
  std::optional<std::string> retailer;
  if (!req.body.empty()) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(req.body).get(doc) || !doc.is_object())
      return send_error(res, 400, "invalid_request", "the body must be a JSON object");
    auto field = doc["retailerId"];
    if (!field.error() && !field.is_null()) {
      std::string_view r;
      if (field.get(r) || !model::is_uuid(std::string{r}))
        return send_error(res, 400, "invalid_retailer_id", "retailerId must be a UUID");
      retailer = model::lowercase_uuid(std::string{r});
    }
  }
  auto now = std::chrono::system_clock::now();
  auto minted = d.dev_tokens->issue(retailer, now);
  if (!minted)
    return send_service_error(res, minted.error());
  log::warn("development token issued", {{"retailer_id", minted->retailer_id},
                                         {"request_id", request_id_of(res)}});
  auto exp_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  minted->expires_at.time_since_epoch())
                  .count();
  json_object body;
  body.add("token", minted->token)
    .add("tokenType", "Bearer")
    .add("role", "retailer")
    .add("retailerId", minted->retailer_id)
    .add("expiresAt", model::rfc3339_from_epoch_ms(exp_ms));
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.str(), "application/json");
}

}  // namespace

void add_retailer_routes(httplib::Server& server, retailer_routes_deps deps) {
  server.Get("/", [](const httplib::Request&, httplib::Response& res) { handle_page(res); });
  server.Get(R"(/api/orders/uploads/([^/]+)/image)",
             [deps](const httplib::Request& req, httplib::Response& res) {
               handle_image(deps, req, res);
             });
  server.Get("/api/dev/status", [deps](const httplib::Request&, httplib::Response& res) {
    handle_dev_status(deps, res);
  });
  server.Post("/api/dev/token", [deps](const httplib::Request& req, httplib::Response& res) {
    handle_dev_token(deps, req, res);
  });
}

}  // namespace khaacho::http
