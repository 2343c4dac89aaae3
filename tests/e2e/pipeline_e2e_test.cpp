// The whole pipeline in the real binary with the embedded defaults: a photo
// uploaded over HTTP is read by Tesseract, its items extracted by the rules,
// matched to the catalog, allocated, asked for in RFQs and notified through
// the outbox; an unsure item waits for a review that resumes the order.
#include <catch2/catch.hpp>

#include <thread>

#include "api/api_test_support.hpp"
#include "support/sourcing_catalog.hpp"

using namespace khaacho;
using namespace khaacho::test;
using namespace std::chrono_literals;
namespace src = khaacho::test::sourcing;

namespace {

/// Polls the order until it leaves PROCESSING; returns the last document.
std::string wait_final(httplib::Client& cli, const std::string& token, const std::string& id,
                       std::chrono::seconds deadline = 120s) {
  auto until = std::chrono::steady_clock::now() + deadline;
  std::string body;
  for (;;) {
    auto res = cli.Get(("/api/orders/uploads/" + id).c_str(), bearer(token));
    if (res && res->status == 200) {
      body = res->body;
      if (json_field(body, "/status") != "PROCESSING")
        return body;
    }
    if (std::chrono::steady_clock::now() > until)
      return body;
    std::this_thread::sleep_for(200ms);
  }
}

std::string upload_page(khaacho_server& srv, const std::string& token,
                        const std::vector<std::string>& lines) {
  auto cli = srv.client();
  auto res = upload(cli, token, render_text_page(lines), "", {}, "", "order.png", "image/png");
  REQUIRE(res);
  REQUIRE(res->status == 202);
  return json_field(res->body, "/id");
}

void wait_catalog(khaacho_server& srv, const std::string& token) {
  auto cli = srv.client();
  for (int i = 0; i < 100; ++i) {
    auto res = cli.Get("/api/products?q=chini", bearer(token));
    if (res && res->status == 200 && json_array_size(res->body, "/items") > 0)
      return;
    std::this_thread::sleep_for(50ms);
  }
  FAIL("the catalog was not loaded");
}

}  // namespace

TEST_CASE("an uploaded photo ends COMPLETED with items matched, RFQs written and notifications sent",
          "[e2e][postgres][ocr][pipeline]") {
  khaacho_server srv{{"--pipeline.enabled=true", "--normalize.catalog-poll=100ms"}};
  src::seed(srv.db());
  auto token = token_for("retailer", retailer_a);
  wait_catalog(srv, token);
  auto id = upload_page(srv, token, {"Ram Kirana Pasal", "1. chini 10 kg", "2. waiwai veg 3 packet",
                                     "Thank you"});
  auto cli = srv.client();
  auto doc = wait_final(cli, token, id);
  CAPTURE(doc);
  REQUIRE(json_field(doc, "/status") == "COMPLETED");
  REQUIRE(json_array_size(doc, "/items") == 2);
  CHECK(json_field(doc, "/items/0/productId") == src::sugar);
  CHECK(json_field(doc, "/items/0/unit") == "kg");
  CHECK(json_field(doc, "/items/0/allocations/0/wholesalerId") == src::wholesaler_b);
  CHECK(json_field(doc, "/items/1/productId") == src::waiwai_veg);
  CHECK(json_field(doc, "/items/1/allocations/0/wholesalerId") == src::wholesaler_c);
  CHECK(json_field(doc, "/items/1/allocations/0/unit") == "packet");
  CHECK(json_array_size(doc, "/rfqs") == 2);
  CHECK(json_field(doc, "/rfqs/0/status") == "SENT");
  CHECK(json_field(doc, "/rfqs/0/notifications/0/status") == "SENT");
  CHECK(json_array_size(doc, "/stages") == 6);
  CHECK(json_field(doc, "/stages/5/stage") == "notify");
  CHECK(json_field(doc, "/stages/5/status") == "succeeded");
}

TEST_CASE("an order with an unknown item waits for review, and the review completes it",
          "[e2e][postgres][ocr][pipeline]") {
  khaacho_server srv{{"--pipeline.enabled=true", "--normalize.catalog-poll=100ms"}};
  src::seed(srv.db());
  auto token = token_for("retailer", retailer_a);
  wait_catalog(srv, token);
  auto id = upload_page(srv, token, {"1. chini 10 kg", "2. zorkmid plugh 3 pkt"});
  auto cli = srv.client();
  auto doc = wait_final(cli, token, id);
  CAPTURE(doc);
  REQUIRE(json_field(doc, "/status") == "PENDING_REVIEW");
  // The sure line's RFQ went out before the order stopped for review.
  CHECK(json_array_size(doc, "/rfqs") == 1);

  auto res = cli.Post(("/api/orders/uploads/" + id + "/review").c_str(), bearer(token),
                      R"({"items": [{"productId": ")" + src::sugar + R"(", "quantity": 10, "unit": "kg"},
                                    {"productId": ")" + src::waiwai_veg + R"(", "quantity": 3}]})",
                      "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 202);
  doc = wait_final(cli, token, id);
  CHECK(json_field(doc, "/status") == "COMPLETED");
  CHECK(json_array_size(doc, "/rfqs") == 2);
  CHECK(json_is_null(doc, "/failureReason"));
}
