#include "http/review_routes.hpp"

#include <cmath>

#include <httplib.h>
#include <simdjson.h>

#include "common/errc.hpp"
#include "common/json_writer.hpp"
#include "http/auth_guard.hpp"
#include "http/error_response.hpp"
#include "http/query_params.hpp"
#include "model/catalog_records.hpp"
#include "model/uuid.hpp"
#include "services/product_search.hpp"

namespace khaacho::http {

namespace {

constexpr double max_quantity = 1'000'000;
constexpr size_t max_query_bytes = 200;
constexpr int max_search_limit = 50;

void handle_review(const review_routes_deps& d, const httplib::Request& req,
                   httplib::Response& res) {
  auto who = authenticate(req, res, *d.verifier);
  if (!who)
    return;
  const auto& id = req.matches[1].str();
  if (!model::is_uuid(id))
    return send_error(res, 404, "not_found", "no such order");
  if (req.body.size() > max_review_body_bytes)
    return send_error(res, 413, "payload_too_large", "a review body is at most 256 KiB");
  auto parsed = parse_review_body(req.body);
  if (!parsed.error.empty())
    return send_error(res, 400, "invalid_request", parsed.error);
  services::review_request r;
  r.order_id = model::lowercase_uuid(id);
  if (who->role == auth::role::retailer)
    r.scope.retailer_id = who->retailer_id;
  r.reviewer = who->subject;
  r.items = std::move(parsed.items);
  auto answer = d.reviews->submit(r);
  if (!answer)
    return send_service_error(res, answer.error());
  using o = services::review_outcome;
  switch (answer->outcome) {
    case o::not_found:
      return send_error(res, 404, "not_found", "no such order");
    case o::conflict:
      return send_error(res, 409, "conflict", answer->message);
    case o::invalid:
      return send_error(res, 400, "invalid_request", answer->message);
    case o::resumed:
      break;
  }
  json_object body;
  body.add("id", r.order_id)
    .add("status", "PROCESSING")
    .add("items", static_cast<int64_t>(r.items.size()))
    .add("statusUrl", "/api/orders/uploads/" + r.order_id);
  res.status = 202;
  res.set_content(body.str(), "application/json");
}

void handle_search(const review_routes_deps& d, const httplib::Request& req,
                   httplib::Response& res) {
  auto who = authenticate(req, res, *d.verifier);
  if (!who)
    return;
  auto q = req.get_param_value("q");
  if (q.empty() || q.size() > max_query_bytes)
    return send_error(res, 400, "invalid_request", "q must be 1 to 200 bytes of text");
  int limit = 10;
  if (req.has_param("limit")) {
    auto parsed = parse_limit(req.get_param_value("limit"), max_search_limit);
    if (!parsed)
      return send_error(res, 400, "invalid_request", "limit must be a positive integer");
    limit = *parsed;
  }
  auto hits = services::search_products(*d.catalog, q, static_cast<size_t>(limit));
  if (!hits) {
    return send_retryable_error(res, 503, "unavailable", describe(hits.error()),
                                std::chrono::seconds{2});
  }
  json_array items;
  for (const auto& h : *hits) {
    json_object o;
    o.add("id", h.id).add("sku", h.sku).add("name", h.name).add("unit", h.unit)
      .add("score", std::round(h.score * 1000) / 1000);
    items.add(o);
  }
  json_object body;
  body.add_raw("items", items.str());
  res.set_content(body.str(), "application/json");
}

}  // namespace

parsed_review parse_review_body(const std::string& body) {
  parsed_review out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array items;
  if (parser.parse(body).get(doc))
    return {{}, "the body is not JSON"};
  if (doc["items"].get(items))
    return {{}, "the body must be an object with an \"items\" array"};
  if (items.size() == 0)
    return {{}, "items must not be empty"};
  if (items.size() > max_review_items)
    return {{}, "at most 200 items per review"};
  size_t i = 0;
  for (auto el : items) {
    auto where = "items[" + std::to_string(i++) + "]";
    if (!el.is_object())
      return {{}, where + " must be an object"};
    services::reviewed_item it;
    std::string_view product, unit;
    if (el["productId"].get(product) || !model::is_uuid(std::string{product}))
      return {{}, where + ".productId must be a UUID"};
    it.product_id = model::lowercase_uuid(std::string{product});
    // get_double converts integers too; anything else is not a number.
    if (el["quantity"].get_double().get(it.quantity))
      return {{}, where + ".quantity must be a number"};
    if (!std::isfinite(it.quantity) || it.quantity <= 0 || it.quantity > max_quantity)
      return {{}, where + ".quantity must be greater than 0 and at most 1000000"};
    auto u = el["unit"];
    if (!u.error() && !u.is_null()) {
      if (u.get(unit) || !model::is_catalog_unit(unit))
        return {{}, where + ".unit must be one of kg, g, l, ml, pcs, packet, carton, dozen,"
                            " bottle, box, bag, can, jar, bundle, tray"};
      it.unit = std::string{unit};
    }
    out.items.push_back(std::move(it));
  }
  return out;
}

void add_review_routes(httplib::Server& server, review_routes_deps deps) {
  server.Post(R"(/api/orders/uploads/([^/]+)/review)",
              [deps](const httplib::Request& req, httplib::Response& res) {
                handle_review(deps, req, res);
              });
  server.Get("/api/products", [deps](const httplib::Request& req, httplib::Response& res) {
    handle_search(deps, req, res);
  });
}

}  // namespace khaacho::http
