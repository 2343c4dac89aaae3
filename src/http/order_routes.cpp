#include "http/order_routes.hpp"


#include <httplib.h>

#include "common/errc.hpp"
#include "common/json_writer.hpp"
#include "common/service_metrics.hpp"
#include "common/trace_context.hpp"
#include "http/auth_guard.hpp"
#include "http/error_response.hpp"
#include "http/query_params.hpp"
#include "model/image_sniffer.hpp"
#include "model/uuid.hpp"

namespace khaacho::http {

namespace {

constexpr size_t max_idempotency_key_bytes = 255;

/// An answer given before the body was read: the unread rest must not be
/// taken for the next request on this connection.
void close_after(httplib::Response& res) {
  res.set_header("Connection", "close");
}

bool valid_idempotency_key(const std::string& key) {
  if (key.empty() || key.size() > max_idempotency_key_bytes)
    return false;
  for (unsigned char c : key)
    if (c < 0x21 || c > 0x7e)
      return false;
  return true;
}

std::string upload_json(const services::upload_answer& a) {
  json_object o;
  o.add("id", a.id)
    .add("status", a.status)
    .add("imageUrl", a.image_url)
    .add("imageKey", a.image_key)
    .add("statusUrl", "/api/orders/uploads/" + a.id)
    .add("createdAt", a.created_at);
  if (a.outcome == services::upload_outcome::duplicate)
    o.add("duplicateOf", a.id);
  return o.str();
}

/// The retailer an upload is for, or nullopt after answering.
std::optional<std::string> upload_retailer(const auth::principal& who, const upload_body& body,
                                           httplib::Response& res) {
  if (body.has_retailer_id && !model::is_uuid(body.retailer_id)) {
    send_error(res, 400, "invalid_retailer_id", "retailerId must be a UUID");
    return std::nullopt;
  }
  if (who.role == auth::role::retailer) {
    if (body.has_retailer_id && model::lowercase_uuid(body.retailer_id) != who.retailer_id) {
      send_error(res, 403, "forbidden", "retailerId differs from the token's retailer");
      return std::nullopt;
    }
    return who.retailer_id;
  }
  if (!body.has_retailer_id) {
    send_error(res, 400, "invalid_retailer_id",
               "operator and admin uploads must name the retailer (retailerId)");
    return std::nullopt;
  }
  return model::lowercase_uuid(body.retailer_id);
}

void refuse_body(const upload_body& body, httplib::Response& res) {
  using o = upload_body::outcome;
  switch (body.result) {
    case o::too_large:
      close_after(res);
      send_error(res, 413, "payload_too_large", body.detail);
      return;
    case o::too_slow:
      close_after(res);
      send_error(res, 408, "request_timeout", body.detail);
      return;
    case o::not_multipart:
      close_after(res);
      [[fallthrough]];
    case o::malformed:
    case o::duplicate_part:
      send_error(res, 400, "invalid_request", body.detail);
      return;
    case o::ok:
      return;
  }
}

/// The trace of an upload: the caller's W3C traceparent when it is valid
/// (with a new span for this request), else a new trace. Answered in the
/// `traceparent` header so the uploader can find the order's log lines.
trace::context upload_trace(const httplib::Request& req, httplib::Response& res) {
  auto incoming = req.has_header("traceparent")
                    ? trace::parse_traceparent(req.get_header_value("traceparent"))
                    : std::nullopt;
  trace::context tc = incoming ? *incoming : trace::new_context();
  tc.span_id = trace::new_span_id();
  res.set_header("traceparent", trace::format_traceparent(tc));
  return tc;
}

void handle_upload(const order_routes_deps& d, const httplib::Request& req,
                   httplib::Response& res, const httplib::ContentReader& reader) {
  auto tc = upload_trace(req, res);
  trace::scope in_trace{tc};
  auto who = authenticate(req, res, *d.verifier);
  if (!who)
    return close_after(res);
  auto slot = d.uploads_in_flight->try_enter();
  if (!slot) {
    close_after(res);
    return send_retryable_error(res, 503, "overloaded",
                                "this node is receiving too many uploads; retry shortly",
                                std::chrono::seconds{1});
  }
  if (d.backlog != nullptr && d.backlog->over_limit()) {
    close_after(res);
    return send_retryable_error(res, 503, "overloaded",
                                "too many orders are waiting to be processed; retry later",
                                std::chrono::seconds{30});
  }
  // Rate limit by the token's retailer, or by the operator's identity.
  auto bucket = who->role == auth::role::retailer ? "r:" + who->retailer_id : "s:" + who->subject;
  std::chrono::milliseconds retry_after{0};
  if (!d.limiter->allow(bucket, retry_after)) {
    close_after(res);
    return send_retryable_error(res, 429, "rate_limited", "too many uploads; slow down",
                                retry_after);
  }
  auto allow_dup = req.get_param_value("allowDuplicate");
  if (req.has_param("allowDuplicate") && allow_dup != "true" && allow_dup != "false") {
    close_after(res);
    return send_error(res, 400, "invalid_request", "allowDuplicate must be true or false");
  }
  auto idem_key = req.get_header_value("Idempotency-Key");
  if (req.has_header("Idempotency-Key") && !valid_idempotency_key(idem_key)) {
    close_after(res);
    return send_error(res, 400, "invalid_request",
                      "Idempotency-Key must be 1 to 255 visible ASCII characters");
  }

  auto body = read_upload_body(req, reader, d.limits);
  if (body.result != upload_body::outcome::ok && d.cut_off != nullptr && d.cut_off->load()) {
    // The node is stopping and its drain time ran out before this body was
    // complete: nothing was stored; the client should send it again.
    close_after(res);
    return send_retryable_error(res, 503, "unavailable",
                                "the server is shutting down; send the upload again",
                                std::chrono::seconds{1});
  }
  if (body.result != upload_body::outcome::ok)
    return refuse_body(body, res);
  if (!body.has_image)
    return send_error(res, 400, "missing_image", "the form has no image part");
  auto retailer = upload_retailer(*who, body, res);
  if (!retailer)
    return;
  auto info = model::sniff_image(body.image);
  if (!info)
    return send_error(res, 415, "unsupported_media_type",
                      "the image must be a JPEG, PNG or WebP file");
  // A few bytes can declare gigapixels: refuse by the header, before anything
  // (OCR, the page) would decode it.
  if (uint64_t{info->width} * info->height > static_cast<uint64_t>(d.limits.max_image_pixels))
    return send_error(res, 413, "payload_too_large",
                      "the image is " + std::to_string(info->width) + " x "
                        + std::to_string(info->height) + " pixels; at most "
                        + std::to_string(d.limits.max_image_pixels) + " are accepted");

  services::upload_request up;
  up.retailer_id = *retailer;
  up.image = std::move(body.image);
  up.format = info->format;
  up.idempotency_key = idem_key;
  up.allow_duplicate = allow_dup == "true";
  up.request_id = request_id_of(res);
  up.trace_id = tc.trace_id;
  auto answer = d.uploads->accept(up);
  if (!answer)
    return send_service_error(res, answer.error());
  using kind = metrics::upload_kind;
  metrics::service_metrics::instance()
    .uploads(answer->outcome == services::upload_outcome::created    ? kind::created
             : answer->outcome == services::upload_outcome::replayed ? kind::replayed
                                                                     : kind::duplicate)
    .inc();
  res.status = answer->outcome == services::upload_outcome::created ? 202 : 200;
  if (res.status == 202)
    res.set_header("Location", "/api/orders/uploads/" + answer->id);
  res.set_content(upload_json(*answer), "application/json");
}

services::order_scope scope_of(const auth::principal& who) {
  services::order_scope scope;
  if (who.role == auth::role::retailer)
    scope.retailer_id = who.retailer_id;
  return scope;
}

void handle_status(const order_routes_deps& d, const httplib::Request& req,
                   httplib::Response& res) {
  auto who = authenticate(req, res, *d.verifier);
  if (!who)
    return;
  const auto& id = req.matches[1].str();
  // Anything that is not a UUID cannot name an order: same answer as an
  // unknown one, and it never reaches a query.
  if (!model::is_uuid(id))
    return send_error(res, 404, "not_found", "no such order");
  auto doc = d.queries->status_document(model::lowercase_uuid(id), scope_of(*who));
  if (!doc) {
    const auto& e = doc.error();
    if (has_code(e, errc::not_found))
      return send_error(res, 404, "not_found", "no such order");
    return send_service_error(res, e);
  }
  res.set_content(*doc, "application/json");
}

void handle_list(const order_routes_deps& d, const httplib::Request& req,
                 httplib::Response& res) {
  auto who = authenticate(req, res, *d.verifier);
  if (!who)
    return;
  services::order_page_request page;
  page.scope = scope_of(*who);
  if (req.has_param("retailerId")) {
    auto r = req.get_param_value("retailerId");
    if (!model::is_uuid(r))
      return send_error(res, 400, "invalid_retailer_id", "retailerId must be a UUID");
    // A retailer may only name itself; anything else simply finds nothing.
    if (who->role != auth::role::retailer)
      page.scope.retailer_id = model::lowercase_uuid(r);
    else if (model::lowercase_uuid(r) != who->retailer_id)
      return send_error(res, 403, "forbidden", "retailers list only their own orders");
  }
  if (req.has_param("status") && !req.get_param_value("status").empty()) {
    page.status = model::parse_order_status(req.get_param_value("status"));
    if (!page.status)
      return send_error(res, 400, "invalid_request",
                        "status must be PROCESSING, COMPLETED, PENDING_REVIEW or FAILED");
  }
  if (req.has_param("limit")) {
    auto limit = parse_limit(req.get_param_value("limit"), 100);
    if (!limit)
      return send_error(res, 400, "invalid_request", "limit must be a positive integer");
    page.limit = *limit;
  }
  if (req.has_param("cursor") && !req.get_param_value("cursor").empty()) {
    page.after = model::decode_cursor(req.get_param_value("cursor"));
    if (!page.after)
      return send_error(res, 400, "invalid_request", "cursor is not one this server issued");
  }
  auto result = d.queries->list(page);
  if (!result)
    return send_service_error(res, result.error());
  std::string items = "[";
  for (size_t i = 0; i < result->items.size(); ++i) {
    if (i > 0)
      items += ',';
    items += result->items[i];
  }
  items += ']';
  json_object body;
  body.add_raw("items", items);
  if (result->next)
    body.add("nextCursor", model::encode_cursor(*result->next));
  else
    body.add_null("nextCursor");
  res.set_content(body.str(), "application/json");
}

}  // namespace

void add_order_routes(httplib::Server& server, order_routes_deps deps) {
  server.Post("/api/orders/upload-image",
              [deps](const httplib::Request& req, httplib::Response& res,
                     const httplib::ContentReader& reader) { handle_upload(deps, req, res, reader); });
  server.Get(R"(/api/orders/uploads/([^/]+))",
             [deps](const httplib::Request& req, httplib::Response& res) {
               handle_status(deps, req, res);
             });
  server.Get("/api/orders/uploads", [deps](const httplib::Request& req, httplib::Response& res) {
    handle_list(deps, req, res);
  });
}

}  // namespace khaacho::http
