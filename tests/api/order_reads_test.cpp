// GET /api/orders/uploads/{id} and GET /api/orders/uploads: isolation
// between retailers, ids that cannot be probed or traversed, and paging.
#include <catch2/catch.hpp>

#include <set>

#include "api/api_test_support.hpp"

using namespace khaacho;
using namespace khaacho::test;

TEST_CASE("a retailer never sees another retailer's orders", "[api][postgres]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto a = token_for("retailer", retailer_a);
  auto b = token_for("retailer", retailer_b);
  auto up = upload(cli, a, make_jpeg(30));
  REQUIRE(up);
  REQUIRE(up->status == 202);
  auto id = json_field(up->body, "/id");

  auto theirs = cli.Get(("/api/orders/uploads/" + id).c_str(), bearer(b));
  REQUIRE(theirs);
  CHECK(theirs->status == 404);  // not 403: ids cannot be probed
  CHECK(json_field(theirs->body, "/error/code") == "not_found");
  auto unknown = cli.Get("/api/orders/uploads/3f1e2d3c-4b5a-4697-8877-665544332211", bearer(b));
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  CHECK(unknown->body.substr(0, 40) == theirs->body.substr(0, 40));

  auto list_b = cli.Get("/api/orders/uploads", bearer(b));
  REQUIRE(list_b);
  CHECK(list_b->status == 200);
  CHECK(json_array_size(list_b->body, "/items") == 0);
  auto filter_a = cli.Get(("/api/orders/uploads?retailerId=" + retailer_a).c_str(), bearer(b));
  REQUIRE(filter_a);
  CHECK(filter_a->status == 403);

  auto list_a = cli.Get("/api/orders/uploads", bearer(a));
  REQUIRE(list_a);
  CHECK(json_array_size(list_a->body, "/items") == 1);
  CHECK(json_field(list_a->body, "/items/0/id") == id);

  // Operators and admins read every order.
  for (auto role : {"operator", "admin"}) {
    auto op = cli.Get(("/api/orders/uploads/" + id).c_str(), bearer(token_for(role)));
    REQUIRE(op);
    CHECK(op->status == 200);
  }
  auto unauth = cli.Get(("/api/orders/uploads/" + id).c_str());
  REQUIRE(unauth);
  CHECK(unauth->status == 401);
}

TEST_CASE("ids that are not UUIDs are unknown orders, never paths", "[api][postgres]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto op = bearer(token_for("admin"));
  for (std::string id : {"..%2F..%2Fetc%2Fpasswd", "..", "%00", "1%20OR%201=1",
                         "0b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c1", "orders%2F2026-01-01_order_x.jpg"}) {
    CAPTURE(id);
    auto res = cli.Get(("/api/orders/uploads/" + id).c_str(), op);
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(res->get_header_value("Content-Type") == "application/json");
  }
  auto traversal = cli.Get("/api/orders/uploads/../../../etc/passwd", op);
  REQUIRE(traversal);
  CHECK(traversal->status == 404);
  CHECK(traversal->body.find("root:") == std::string::npos);
}

TEST_CASE("the list pages newest first with an opaque cursor", "[api][postgres]") {
  khaacho_server srv{{"--http.retailer-burst=100"}};
  auto cli = srv.client();
  auto a = token_for("retailer", retailer_a);
  std::vector<std::string> created;
  for (uint32_t i = 0; i < 5; ++i) {
    auto up = upload(cli, a, make_jpeg(40 + i));
    REQUIRE(up);
    REQUIRE(up->status == 202);
    created.push_back(json_field(up->body, "/id"));
  }
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    std::string path = "/api/orders/uploads?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor);
    auto res = cli.Get(path.c_str(), bearer(a));
    REQUIRE(res);
    REQUIRE(res->status == 200);
    auto n = json_array_size(res->body, "/items");
    for (int64_t i = 0; i < n; ++i)
      seen.push_back(json_field(res->body, ("/items/" + std::to_string(i) + "/id").c_str()));
    if (json_is_null(res->body, "/nextCursor"))
      break;
    cursor = json_field(res->body, "/nextCursor");
    REQUIRE_FALSE(cursor.empty());
  }
  REQUIRE(seen.size() == 5);
  CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 5);
  CHECK(std::vector<std::string>(created.rbegin(), created.rend()) == seen);

  auto processing = cli.Get("/api/orders/uploads?status=PROCESSING&limit=100", bearer(a));
  REQUIRE(processing);
  CHECK(json_array_size(processing->body, "/items") == 5);
  auto failed = cli.Get("/api/orders/uploads?status=FAILED", bearer(a));
  REQUIRE(failed);
  CHECK(json_array_size(failed->body, "/items") == 0);
  auto capped = cli.Get("/api/orders/uploads?limit=100000", bearer(a));
  REQUIRE(capped);
  CHECK(capped->status == 200);

  for (std::string bad : {"limit=0", "limit=-3", "limit=ten", "status=DONE", "cursor=abc",
                          "cursor=c1123_zz", "retailerId=nope"}) {
    CAPTURE(bad);
    auto res = cli.Get(("/api/orders/uploads?" + bad).c_str(), bearer(a));
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK_FALSE(json_field(res->body, "/error/code").empty());
  }
}

TEST_CASE("the status document nests items, allocations, RFQs and stages", "[api][postgres]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto a = token_for("retailer", retailer_a);
  auto up = upload(cli, a, make_jpeg(50));
  REQUIRE(up);
  auto id = json_field(up->body, "/id");
  // Pipeline output written directly, as the stages will.
  auto& db = srv.db();
  REQUIRE(db.exec("INSERT INTO wholesalers (id, name, phone, reliability_score)"
                  " VALUES ('11111111-1111-4111-8111-111111111111', 'W', '+9779800000000', 0.9)"));
  REQUIRE(db.exec("INSERT INTO uploaded_order_items (id, order_id, line_no, raw_name, quantity, unit,"
                  " confidence, needs_review) VALUES"
                  " ('22222222-2222-4222-8222-222222222222', $1::uuid, 1, 'chini', 10, 'kg', 0.93, false),"
                  " ('33333333-3333-4333-8333-333333333333', $1::uuid, 2, 'xyz', 2, NULL, 0.2, true)",
                  db::pg_params(id)));
  REQUIRE(db.exec("INSERT INTO order_item_allocations (item_id, wholesaler_id, quantity, rank) VALUES"
                  " ('22222222-2222-4222-8222-222222222222', '11111111-1111-4111-8111-111111111111', 10, 1)"));
  REQUIRE(db.exec("INSERT INTO order_stage_attempts (order_id, stage, attempt, outcome, finished_at) VALUES"
                  " ($1::uuid, 'ocr', 1, 'failed_transient', now()), ($1::uuid, 'ocr', 2, 'succeeded', now()),"
                  " ($1::uuid, 'extract', 1, 'running', NULL)", db::pg_params(id)));
  auto doc = cli.Get(("/api/orders/uploads/" + id).c_str(), bearer(a));
  REQUIRE(doc);
  CAPTURE(doc->body);
  REQUIRE(doc->status == 200);
  CHECK(json_array_size(doc->body, "/items") == 2);
  CHECK(json_field(doc->body, "/items/0/rawName") == "chini");
  CHECK(json_field(doc->body, "/items/0/unit") == "kg");
  CHECK(json_array_size(doc->body, "/items/0/allocations") == 1);
  CHECK(json_field(doc->body, "/items/0/allocations/0/wholesalerId") == "11111111-1111-4111-8111-111111111111");
  CHECK(json_is_null(doc->body, "/items/1/productId"));
  CHECK(json_array_size(doc->body, "/stages") == 2);
  CHECK(json_field(doc->body, "/stages/0/stage") == "ocr");
  CHECK(json_field(doc->body, "/stages/0/status") == "succeeded");
  CHECK(json_field(doc->body, "/stages/1/stage") == "extract");
  CHECK(json_is_null(doc->body, "/stages/1/finishedAt"));
}
