// What the retailer's page needs beyond API.md: the page at GET /, the
// order's photo for its owner, and the development-only token routes.
#include <catch2/catch.hpp>

#include "adapters/auth/token_verifier.hpp"
#include "api/api_test_support.hpp"
#include "http/page_policy.hpp"
#include "model/uuid.hpp"

using namespace khaacho;
using namespace khaacho::test;

TEST_CASE("GET / serves the retailer page with a policy that allows only its own code",
          "[api][postgres]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto res = cli.Get("/");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(res->body.find("capture=\"environment\"") != std::string::npos);
  auto policy = res->get_header_value("Content-Security-Policy");
  CAPTURE(policy);
  // The hash the browser will compute of the page's script is the one allowed.
  auto script = http::inline_block_hashes(res->body, "script");
  REQUIRE(!script.empty());
  CHECK(policy.find("script-src " + script + ";") != std::string::npos);
  CHECK(policy.find("unsafe-inline") == std::string::npos);
  CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
}

TEST_CASE("development tokens are off by default: the dev routes answer 404", "[api][postgres]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto status = cli.Get("/api/dev/status");
  REQUIRE(status);
  CHECK(status->status == 404);
  CHECK(json_field(status->body, "/error/code") == "not_found");
  auto minted = cli.Post("/api/dev/token", "{}", "application/json");
  REQUIRE(minted);
  CHECK(minted->status == 404);
  CHECK(json_field(minted->body, "/error/code") == "not_found");
  CHECK(minted->body.find("\"token\"") == std::string::npos);
}

TEST_CASE("with auth.dev-tokens on, POST /api/dev/token mints a retailer token that verifies",
          "[api][postgres]") {
  khaacho_server srv{{"--auth.dev-tokens=true"}};
  auto cli = srv.client();
  auth::token_verifier verifier{test_jwt_secret};
  auto status = cli.Get("/api/dev/status");
  REQUIRE(status);
  CHECK(status->status == 200);
  CHECK(status->body.find("\"devTokens\":true") != std::string::npos);

  SECTION("a new retailer") {
    // A caller asking for more than a retailer token still gets only that.
    auto res = cli.Post("/api/dev/token", R"({"role": "admin"})", "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    CHECK(res->get_header_value("Cache-Control") == "no-store");
    auto token = json_field(res->body, "/token");
    auto who = verifier.verify(token, std::chrono::system_clock::now());
    REQUIRE(who);
    CHECK(who->role == auth::role::retailer);
    CHECK(who->retailer_id == json_field(res->body, "/retailerId"));
    CHECK(model::is_uuid(who->retailer_id));
    // Short-lived: refused two hours from now.
    CHECK(!verifier.verify(token, std::chrono::system_clock::now() + std::chrono::hours{2}));
    // And the API takes it.
    auto list = cli.Get("/api/orders/uploads", bearer(token));
    REQUIRE(list);
    CHECK(list->status == 200);
    auto again = cli.Post("/api/dev/token", "", "application/json");
    REQUIRE(again);
    CHECK(json_field(again->body, "/retailerId") != who->retailer_id);
  }
  SECTION("a given retailer") {
    auto res = cli.Post("/api/dev/token", R"({"retailerId": ")" + retailer_a + R"("})",
                        "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    auto who = verifier.verify(json_field(res->body, "/token"), std::chrono::system_clock::now());
    REQUIRE(who);
    CHECK(who->retailer_id == retailer_a);
  }
  SECTION("bad bodies") {
    auto bad_id = cli.Post("/api/dev/token", R"({"retailerId": "shop-7"})", "application/json");
    REQUIRE(bad_id);
    CHECK(bad_id->status == 400);
    CHECK(json_field(bad_id->body, "/error/code") == "invalid_retailer_id");
    auto not_json = cli.Post("/api/dev/token", "retailerId=x", "application/x-www-form-urlencoded");
    REQUIRE(not_json);
    CHECK(not_json->status == 400);
    CHECK(json_field(not_json->body, "/error/code") == "invalid_request");
  }
}

TEST_CASE("GET /api/orders/uploads/{id}/image gives the photo to its owner and operators only",
          "[api][postgres]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto a = token_for("retailer", retailer_a);
  auto b = token_for("retailer", retailer_b);
  // A PNG declared as a JPEG: the answer's type comes from the bytes.
  auto png = make_png(71);
  auto up = upload(cli, a, png, "", {}, "", "order.jpg", "image/jpeg");
  REQUIRE(up);
  REQUIRE(up->status == 202);
  auto id = json_field(up->body, "/id");
  auto path = "/api/orders/uploads/" + id + "/image";

  auto mine = cli.Get(path.c_str(), bearer(a));
  REQUIRE(mine);
  CHECK(mine->status == 200);
  CHECK(mine->get_header_value("Content-Type") == "image/png");
  CHECK(mine->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(mine->body == png);
  auto op = cli.Get(path.c_str(), bearer(token_for("operator")));
  REQUIRE(op);
  CHECK(op->status == 200);
  CHECK(op->body == png);

  auto theirs = cli.Get(path.c_str(), bearer(b));
  REQUIRE(theirs);
  CHECK(theirs->status == 404);  // never 403: ids cannot be probed
  CHECK(json_field(theirs->body, "/error/code") == "not_found");
  auto anonymous = cli.Get(path.c_str());
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  CHECK(json_field(anonymous->body, "/error/code") == "unauthorized");
  auto unknown = cli.Get("/api/orders/uploads/3f1e2d3c-4b5a-4697-8877-665544332211/image", bearer(a));
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  // What is not a UUID names no order and never becomes a storage key.
  for (const std::string& bad : std::vector<std::string>{
         "..%2F..%2Fetc%2Fpasswd", "..", "%00", "orders%2F2026-01-01_order_x.png", id + "x"}) {
    CAPTURE(bad);
    auto res = cli.Get(("/api/orders/uploads/" + bad + "/image").c_str(), bearer(token_for("admin")));
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(json_field(res->body, "/error/code") == "not_found");
  }

  // After the retention sweep the order stays, its photo does not.
  REQUIRE(srv.db().exec("UPDATE uploaded_orders SET image_deleted_at = now() WHERE id = $1::uuid",
                        db::pg_params(id)));
  auto gone = cli.Get(path.c_str(), bearer(a));
  REQUIRE(gone);
  CHECK(gone->status == 404);
  CHECK(json_field(gone->body, "/error/message").find("deleted") != std::string::npos);
}
