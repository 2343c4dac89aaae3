// The admin API of the real binary: who may call what (401/403 on every
// route), validation, a node without a pipeline, one order's history, the
// summary numbers, the audit of refused writes, and the operator page.
#include <catch2/catch.hpp>

#include "adapters/auth/token_signer.hpp"
#include "api/admin_test_support.hpp"

using namespace khaacho;
using namespace khaacho::test;

namespace {

const std::string unknown_id = "3f1e2d3c-4b5a-4697-8877-665544332211";

const std::vector<std::string> read_routes{"/admin/actors", "/admin/actors/" + unknown_id,
                                           "/admin/summary", "/admin/audit"};
const std::vector<std::string> write_routes{
  "/admin/orders/" + unknown_id + "/retry", "/admin/orders/" + unknown_id + "/cancel",
  "/admin/orders/" + unknown_id + "/run-now", "/admin/stages/ocr/pause",
  "/admin/stages/ocr/resume"};

int status_of(httplib::Client& cli, bool post, const std::string& path, httplib::Headers h) {
  auto res = post ? cli.Post(path.c_str(), h, "", "application/json") : cli.Get(path.c_str(), h);
  REQUIRE(res);
  if (res->status >= 400) {
    CHECK(res->get_header_value("Content-Type") == "application/json");
    CHECK_FALSE(json_field(res->body, "/error/code").empty());
  }
  return res->status;
}

int64_t audit_count(khaacho_server& srv, const std::string& where) {
  auto r = srv.db().exec("SELECT count(*) AS n FROM admin_audit_log WHERE " + where);
  REQUIRE(r);
  return r->row(0).get<int64_t>("n");
}

}  // namespace

TEST_CASE("admin routes refuse missing tokens, retailers, and operators' writes",
          "[api][postgres][admin]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto retailer = bearer(token_for("retailer", retailer_a));
  auto op = bearer(token_for("operator"));
  auto admin = bearer(token_for("admin"));
  auth::token_claims stale{"test-admin", "admin", "", std::chrono::seconds{60}};
  auto expired = *auth::sign_token(stale, test_jwt_secret,
                                   std::chrono::system_clock::now() - std::chrono::hours{1});
  for (const auto& path : read_routes) {
    CAPTURE(path);
    CHECK(status_of(cli, false, path, {}) == 401);
    CHECK(status_of(cli, false, path, bearer("not.a.token")) == 401);
    CHECK(status_of(cli, false, path, bearer(expired)) == 401);
    CHECK(status_of(cli, false, path, retailer) == 403);
    auto as_operator = status_of(cli, false, path, op);
    CHECK((as_operator == 200 || as_operator == 404));
  }
  for (const auto& path : write_routes) {
    CAPTURE(path);
    CHECK(status_of(cli, true, path, {}) == 401);
    CHECK(status_of(cli, true, path, retailer) == 403);
    CHECK(status_of(cli, true, path, op) == 403);
    // Allowed, but this node runs no pipeline.
    CHECK(status_of(cli, true, path, admin) == 503);
  }
  // Every signed-in write attempt is audited, refusals included; 401s are not.
  CHECK(audit_count(srv, "true") == 15);
  CHECK(audit_count(srv, "actor_role = 'retailer' AND outcome = 'forbidden' AND http_status = 403") == 5);
  CHECK(audit_count(srv, "actor_role = 'operator' AND outcome = 'forbidden'") == 5);
  CHECK(audit_count(srv, "actor_role = 'admin' AND outcome = 'unavailable' AND http_status = 503") == 5);
  CHECK(audit_count(srv, "action = 'run-now' AND target = '" + unknown_id + "'") == 3);
  CHECK(audit_count(srv, "request_id IS NULL") == 0);
}

TEST_CASE("a node without a pipeline lists no actors and says why", "[api][postgres][admin]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto res = cli.Get("/admin/actors", bearer(token_for("operator")));
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(json_field(res->body, "/pipeline") == "disabled");
  CHECK(json_array_size(res->body, "/items") == 0);
  CHECK(json_array_size(res->body, "/gates") == 0);
  CHECK_FALSE(json_field(res->body, "/node").empty());
}

TEST_CASE("admin reads validate their parameters", "[api][postgres][admin]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto op = bearer(token_for("operator"));
  for (std::string path :
       {"/admin/actors?stage=billing", "/admin/actors?state=sleeping", "/admin/actors?limit=0",
        "/admin/actors?limit=ten", "/admin/actors?cursor=abc", "/admin/actors/not-a-uuid",
        "/admin/audit?limit=-1", "/admin/audit?cursor=abc"}) {
    CAPTURE(path);
    auto res = cli.Get(path.c_str(), op);
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json_field(res->body, "/error/code") == "invalid_request");
  }
  auto unknown = cli.Get(("/admin/actors/" + unknown_id).c_str(), op);
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  CHECK(json_field(unknown->body, "/error/code") == "not_found");
  auto stage = cli.Post("/admin/stages/billing/pause", bearer(token_for("admin")), "", "text/plain");
  REQUIRE(stage);
  CHECK(stage->status == 404);
}

TEST_CASE("an order's history and the summary come from the database", "[api][postgres][admin]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto shop = token_for("retailer", retailer_a);
  auto a = upload(cli, shop, make_jpeg(11));
  auto b = upload(cli, shop, make_jpeg(12));
  REQUIRE(a);
  REQUIRE(b);
  auto failed = json_field(a->body, "/id");
  // As a supervisor would have left it: one failed OCR attempt, then FAILED.
  REQUIRE(srv.db().exec("INSERT INTO order_stage_attempts (order_id, stage, attempt, started_at,"
                        " finished_at, outcome, error, node) VALUES ($1::uuid, 'ocr', 1,"
                        " now() - interval '2 seconds', now(), 'failed_permanent', 'not an image',"
                        " 'n1')",
                        db::pg_params(failed)));
  REQUIRE(srv.db().exec("UPDATE uploaded_orders SET status = 'FAILED', current_stage = 'ocr',"
                        " failure_reason = 'ocr: not an image', completed_at = now()"
                        " WHERE id = $1::uuid",
                        db::pg_params(failed)));
  auto op = bearer(token_for("operator"));
  auto hist = cli.Get(("/admin/actors/" + failed).c_str(), op);
  REQUIRE(hist);
  CAPTURE(hist->body);
  CHECK(hist->status == 200);
  CHECK(json_is_null(hist->body, "/live"));
  CHECK(json_field(hist->body, "/order/status") == "FAILED");
  CHECK(json_field(hist->body, "/order/failureReason") == "ocr: not an image");
  CHECK(json_array_size(hist->body, "/attempts") == 1);
  CHECK(json_field(hist->body, "/attempts/0/error") == "not an image");
  CHECK(json_int(hist->body, "/attempts/0/durationMs") >= 1900);

  auto sum = cli.Get("/admin/summary", op);
  REQUIRE(sum);
  CAPTURE(sum->body);
  CHECK(sum->status == 200);
  CHECK(json_int(sum->body, "/total/PROCESSING") == 1);
  CHECK(json_int(sum->body, "/total/FAILED") == 1);
  CHECK(json_int(sum->body, "/createdLastHour/PROCESSING") == 1);
  CHECK(json_int(sum->body, "/finishedLastHour/failed") == 1);
  CHECK(json_int(sum->body, "/finishedLastHour/total") == 1);
  CHECK(json_array_size(sum->body, "/recentFailures") == 1);
  CHECK(json_field(sum->body, "/recentFailures/0/id") == failed);
  CHECK(json_field(sum->body, "/recentFailures/0/failureReason") == "ocr: not an image");
  CHECK(json_field(sum->body, "/recentFailures/0/stage") == "ocr");
}

TEST_CASE("the operator page is served without a token and holds no data", "[api][postgres][admin]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto res = cli.Get("/admin");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(res->get_header_value("Content-Security-Policy").find("connect-src 'self'")
        != std::string::npos);
  CHECK(res->body.find("khaacho · operator") != std::string::npos);
  CHECK(res->body.find("/admin/actors") != std::string::npos);
  // Self-contained: nothing is loaded from elsewhere.
  CHECK(res->body.find("http://") == std::string::npos);
  CHECK(res->body.find("https://") == std::string::npos);
}
