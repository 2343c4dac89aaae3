// POST /api/orders/uploads/{id}/review and GET /api/products over real HTTP
// (no pipeline on the node: the review's effect stays visible in the rows).
#include <catch2/catch.hpp>

#include <thread>

#include "api/api_test_support.hpp"
#include "support/sourcing_catalog.hpp"

using namespace khaacho;
using namespace khaacho::test;
using namespace std::chrono_literals;
namespace src = khaacho::test::sourcing;

namespace {

/// An order of retailer_a in `status` with one flagged item; returns its id.
std::string order_in(khaacho_server& srv, const std::string& status) {
  auto r = srv.db().exec(R"SQL(
WITH o AS (
  INSERT INTO uploaded_orders (retailer_id, status, image_key, image_url, image_content_type,
                               image_size, failure_reason)
  VALUES ($1::uuid, $2::order_status, 'orders/x.jpg', 'local:orders/x.jpg', 'image/jpeg', 1,
          '1 item needs review')
  RETURNING id),
i AS (
  INSERT INTO uploaded_order_items (order_id, line_no, raw_name, quantity, needs_review)
  SELECT id, 1, 'zorkmid', 3, true FROM o)
SELECT id::text AS id FROM o
)SQL",
                         db::pg_params(retailer_a, status));
  REQUIRE(r);
  return r->row(0).get<std::string>("id");
}

httplib::Result review(httplib::Client& cli, const std::string& token, const std::string& id,
                       const std::string& body) {
  return cli.Post(("/api/orders/uploads/" + id + "/review").c_str(), bearer(token), body,
                  "application/json");
}

std::string one_item(const std::string& product, const std::string& quantity,
                     const std::string& unit_json = "\"kg\"") {
  return R"({"items": [{"productId": ")" + product + R"(", "quantity": )" + quantity
         + R"(, "unit": )" + unit_json + "}]}";
}

}  // namespace

TEST_CASE("a review replaces the items and puts the order back in the pipeline at ranking",
          "[api][postgres][review]") {
  khaacho_server srv;
  src::seed(srv.db());
  auto id = order_in(srv, "PENDING_REVIEW");
  auto cli = srv.client();
  auto res = review(cli, token_for("retailer", retailer_a), id,
                    R"({"items": [{"productId": ")" + src::sugar + R"(", "quantity": 10, "unit": "kg"},
                                  {"productId": ")" + src::nun + R"(", "quantity": 2}]})");
  REQUIRE(res);
  CAPTURE(res->body);
  CHECK(res->status == 202);
  CHECK(json_field(res->body, "/status") == "PROCESSING");
  auto row = srv.db().exec(
    "SELECT o.status::text AS status, o.reviewed_by IS NOT NULL AS by, o.owner_node IS NULL AS free,"
    " (SELECT string_agg(i.raw_name || ':' || i.quantity::float8 || ':' || i.unit || ':'"
    "  || i.needs_review, ',' ORDER BY i.line_no) FROM uploaded_order_items i"
    "  WHERE i.order_id = o.id) AS items,"
    " (SELECT string_agg(stage, ',' ORDER BY stage) FROM order_stage_checkpoints k"
    "  WHERE k.order_id = o.id) AS done"
    " FROM uploaded_orders o WHERE o.id = $1::uuid",
    db::pg_params(id));
  REQUIRE(row);
  CHECK(row->row(0).get<std::string>("status") == "PROCESSING");
  CHECK(row->row(0).get<bool>("by"));
  CHECK(row->row(0).get<bool>("free"));
  // No unit given: the product's own.
  CHECK(row->row(0).get<std::string>("items")
        == "Sugar (Chini):10:kg:false,Aayo Nun 1 kg:2:packet:false");
  CHECK(row->row(0).get<std::string>("done") == "extract,normalize,ocr");
}

TEST_CASE("a review is refused unless the order waits for one, by its owner or an operator",
          "[api][postgres][review]") {
  khaacho_server srv;
  src::seed(srv.db());
  auto cli = srv.client();
  auto waiting = order_in(srv, "PENDING_REVIEW");
  auto body = one_item(src::sugar, "1");

  auto anonymous = cli.Post(("/api/orders/uploads/" + waiting + "/review").c_str(), body,
                            "application/json");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  auto other = review(cli, token_for("retailer", retailer_b), waiting, body);
  REQUIRE(other);
  CHECK(other->status == 404);
  CHECK(json_field(other->body, "/error/code") == "not_found");
  auto not_uuid = review(cli, token_for("operator"), "../../etc", body);
  REQUIRE(not_uuid);
  CHECK(not_uuid->status == 404);

  for (const char* status : {"COMPLETED", "PROCESSING", "FAILED"}) {
    auto id = order_in(srv, status);
    auto res = review(cli, token_for("operator"), id, body);
    REQUIRE(res);
    CAPTURE(status, res->body);
    CHECK(res->status == 409);
    CHECK(json_field(res->body, "/error/code") == "conflict");
  }
  // An operator may review any retailer's order.
  auto ok = review(cli, token_for("operator"), waiting, body);
  REQUIRE(ok);
  CHECK(ok->status == 202);
}

TEST_CASE("a bad review body is a 400 that names the problem and changes nothing",
          "[api][postgres][review]") {
  khaacho_server srv;
  src::seed(srv.db());
  auto cli = srv.client();
  auto id = order_in(srv, "PENDING_REVIEW");
  auto token = token_for("retailer", retailer_a);
  const std::vector<std::pair<std::string, std::string>> cases = {
    {"not json", "not JSON"},
    {"[1, 2]", "\"items\" array"},
    {R"({"items": []})", "must not be empty"},
    {R"({"items": [7]})", "items[0] must be an object"},
    {one_item("not-a-uuid", "1"), "items[0].productId must be a UUID"},
    {one_item(src::sugar, "\"ten\""), "items[0].quantity must be a number"},
    {one_item(src::sugar, "0"), "greater than 0"},
    {one_item(src::sugar, "-2"), "greater than 0"},
    {one_item(src::sugar, "1e300"), "at most 1000000"},
    {one_item(src::sugar, "1", "\"furlong\""), "items[0].unit must be one of"},
    {one_item(src::sugar, "1", "5"), "items[0].unit must be one of"},
    {one_item("33333333-3333-4333-8333-333333333333", "1"), "names no catalog product"},
    {one_item(src::sugar, "2", "\"l\""), "cannot be counted in kg"},
    {one_item(src::nun, "1.5", "\"kg\""), "not a whole number"},
  };
  for (const auto& [body, expected] : cases) {
    auto res = review(cli, token, id, body);
    REQUIRE(res);
    CAPTURE(body, res->body);
    CHECK(res->status == 400);
    CHECK(json_field(res->body, "/error/code") == "invalid_request");
    CHECK(json_field(res->body, "/error/message").find(expected) != std::string::npos);
  }
  std::string many = R"({"items": [)";
  for (int i = 0; i < 201; ++i)
    many += (i ? "," : "") + std::string{R"({"productId": ")"} + src::sugar + R"(", "quantity": 1})";
  many += "]}";
  auto too_many = review(cli, token, id, many);
  REQUIRE(too_many);
  CHECK(too_many->status == 400);
  auto huge = review(cli, token, id, std::string(300 * 1024, ' '));
  REQUIRE(huge);
  CHECK(huge->status == 413);

  auto row = srv.db().exec("SELECT o.status::text AS s, (SELECT string_agg(raw_name, ',')"
                           " FROM uploaded_order_items WHERE order_id = o.id) AS items"
                           " FROM uploaded_orders o WHERE o.id = $1::uuid",
                           db::pg_params(id));
  REQUIRE(row);
  CHECK(row->row(0).get<std::string>("s") == "PENDING_REVIEW");
  CHECK(row->row(0).get<std::string>("items") == "zorkmid");
}

TEST_CASE("product search ranks the catalog with the pipeline's matcher", "[api][postgres][review]") {
  khaacho_server srv{{"--normalize.catalog-poll=100ms"}};
  src::seed(srv.db());
  auto cli = srv.client();
  auto token = token_for("retailer", retailer_a);
  int status = 0;
  std::string body;
  for (int i = 0; i < 100; ++i) {  // the seed lands at the next catalog poll
    auto res = cli.Get("/api/products?q=chini&limit=3", bearer(token));
    status = res ? res->status : -1;
    body = res ? res->body : "";
    if (status == 200 && json_array_size(body, "/items") > 0)
      break;
    std::this_thread::sleep_for(50ms);
  }
  CAPTURE(body);
  REQUIRE(status == 200);
  CHECK(json_field(body, "/items/0/id") == src::sugar);
  CHECK(json_field(body, "/items/0/name") == "Sugar (Chini)");
  CHECK(json_field(body, "/items/0/unit") == "kg");
  CHECK(json_field(body, "/items/0/sku") == "SGR-CHINI");
  CHECK(json_array_size(body, "/items") <= 3);

  auto devanagari = cli.Get("/api/products?q=%E0%A4%9A%E0%A4%BF%E0%A4%A8%E0%A5%80", bearer(token));
  REQUIRE(devanagari);
  CHECK(json_field(devanagari->body, "/items/0/id") == src::sugar);

  auto anonymous = cli.Get("/api/products?q=chini");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  for (const char* bad : {"/api/products", "/api/products?q=", "/api/products?q=chini&limit=0",
                          "/api/products?q=chini&limit=x"}) {
    auto r = cli.Get(bad, bearer(token));
    REQUIRE(r);
    CAPTURE(bad);
    CHECK(r->status == 400);
    CHECK(json_field(r->body, "/error/code") == "invalid_request");
  }
  auto long_query = cli.Get(("/api/products?q=" + std::string(201, 'a')).c_str(), bearer(token));
  REQUIRE(long_query);
  CHECK(long_query->status == 400);
}
