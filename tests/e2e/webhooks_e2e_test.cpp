// Webhooks in the real binary: a registered receiver gets every status
// change of its retailer's orders once, in order, signed; failed deliveries
// are retried with the same delivery id; and without insecure mode nothing
// is ever posted to a loopback address, whatever the database holds.
#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <thread>

#include "api/api_test_support.hpp"
#include "support/loopback_listener.hpp"
#include "support/sourcing_catalog.hpp"
#include "support/webhook_peer.hpp"

using namespace khaacho;
using namespace khaacho::test;
using namespace std::chrono_literals;
namespace src = khaacho::test::sourcing;

namespace {

const std::vector<std::string> fast_webhooks{"--webhooks.poll-interval=50ms",
                                             "--webhooks.initial-backoff=200ms",
                                             "--webhooks.max-backoff=1s"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// Registers `url` for retailer_a through the API; returns the secret.
std::string register_webhook(khaacho_server& srv, const std::string& url) {
  auto cli = srv.client();
  auto res = cli.Post("/api/webhooks", bearer(token_for("retailer", retailer_a)),
                      R"({"url": ")" + url + R"("})", "application/json");
  REQUIRE(res);
  CAPTURE(res->body);
  REQUIRE(res->status == 201);
  return json_field(res->body, "/secret");
}

/// A PROCESSING order of retailer_a, made in the database (no pipeline).
std::string insert_order(khaacho_server& srv) {
  auto r = srv.db().exec(R"SQL(
INSERT INTO uploaded_orders (retailer_id, status, image_key, image_url, image_content_type, image_size)
VALUES ($1::uuid, 'PROCESSING', 'orders/x.jpg', 'local:orders/x.jpg', 'image/jpeg', 1)
RETURNING id::text AS id
)SQL",
                         db::pg_params(retailer_a));
  REQUIRE(r);
  return r->row(0).get<std::string>("id");
}

void set_status(khaacho_server& srv, const std::string& id, const std::string& status) {
  auto r = srv.db().exec("UPDATE uploaded_orders SET status = $2::order_status WHERE id = $1::uuid",
                         db::pg_params(id, status));
  REQUIRE(r);
}

struct delivery_row {
  std::string status;
  int64_t attempts = 0;
  std::optional<int64_t> response_status;
  std::string last_error;
};

std::vector<delivery_row> deliveries(khaacho_server& srv) {
  auto r = srv.db().exec(R"SQL(
SELECT d.status, d.attempts, d.response_status::bigint AS response_status,
       coalesce(d.last_error, '') AS last_error
FROM webhook_deliveries d ORDER BY d.event_id
)SQL");
  REQUIRE(r);
  std::vector<delivery_row> out;
  for (size_t i = 0; i < r->size(); ++i) {
    auto row = r->row(i);
    out.push_back({row.get<std::string>("status"), row.get<int64_t>("attempts"),
                   row.get_optional<int64_t>("response_status"),
                   row.get<std::string>("last_error")});
  }
  return out;
}

/// Waits until no delivery is PENDING; false on timeout.
bool wait_settled(khaacho_server& srv, std::chrono::seconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    auto r = srv.db().exec("SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'PENDING'");
    if (r && r->row(0).get<int64_t>("n") == 0)
      return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

std::string wait_final(httplib::Client& cli, const std::string& token, const std::string& id) {
  auto until = std::chrono::steady_clock::now() + 120s;
  std::string body;
  while (std::chrono::steady_clock::now() < until) {
    auto res = cli.Get(("/api/orders/uploads/" + id).c_str(), bearer(token));
    if (res && res->status == 200) {
      body = res->body;
      if (json_field(body, "/status") != "PROCESSING")
        return body;
    }
    std::this_thread::sleep_for(200ms);
  }
  return body;
}

}  // namespace

TEST_CASE("a receiver gets every status change of an order once, in order, signed",
          "[e2e][postgres][ocr][pipeline][webhooks]") {
  webhook_peer peer;
  khaacho_server srv{with({"--pipeline.enabled=true", "--normalize.catalog-poll=100ms",
                           "--webhooks.allow-insecure=true"},
                          fast_webhooks)};
  src::seed(srv.db());
  peer.set_secret(register_webhook(srv, peer.url("/khaacho")));
  auto token = token_for("retailer", retailer_a);
  auto cli = srv.client();
  for (int i = 0; i < 100; ++i) {
    auto res = cli.Get("/api/products?q=chini", bearer(token));
    if (res && res->status == 200 && json_array_size(res->body, "/items") > 0)
      break;
    std::this_thread::sleep_for(50ms);
  }
  // An unknown item stops the order for review; the review completes it:
  // PROCESSING -> PENDING_REVIEW -> PROCESSING -> COMPLETED.
  auto up = upload(cli, token, render_text_page({"1. chini 10 kg", "2. zorkmid plugh 3 pkt"}), "",
                   {}, "", "order.png", "image/png");
  REQUIRE(up);
  REQUIRE(up->status == 202);
  auto id = json_field(up->body, "/id");
  REQUIRE(json_field(wait_final(cli, token, id), "/status") == "PENDING_REVIEW");
  auto review = cli.Post(("/api/orders/uploads/" + id + "/review").c_str(), bearer(token),
                         R"({"items": [{"productId": ")" + src::sugar + R"(", "quantity": 10}]})",
                         "application/json");
  REQUIRE(review);
  REQUIRE(review->status == 202);
  REQUIRE(json_field(wait_final(cli, token, id), "/status") == "COMPLETED");

  REQUIRE(peer.wait_for(3, 20s));
  REQUIRE(wait_settled(srv, 10s));
  std::this_thread::sleep_for(500ms);  // ten more polls: nothing is sent twice
  auto hits = peer.hits();
  REQUIRE(hits.size() == 3);
  std::vector<std::string> statuses;
  std::set<std::string> ids;
  std::string last_at;
  for (const auto& h : hits) {
    CAPTURE(h.body);
    CHECK(h.path == "/khaacho");
    CHECK(h.signature_valid);
    CHECK(h.event == "order.status_changed");
    CHECK(json_field(h.body, "/event") == "order.status_changed");
    CHECK(json_field(h.body, "/orderId") == id);
    auto at = json_field(h.body, "/occurredAt");
    CHECK(at >= last_at);
    last_at = at;
    statuses.push_back(json_field(h.body, "/status"));
    ids.insert(h.delivery_id);
  }
  CHECK(statuses == std::vector<std::string>{"PENDING_REVIEW", "PROCESSING", "COMPLETED"});
  CHECK(ids.size() == 3);
  for (const auto& d : deliveries(srv)) {
    CHECK(d.status == "SENT");
    CHECK(d.attempts == 1);
    CHECK(d.response_status == 200);
  }
}

TEST_CASE("a failed delivery is retried with the same id, and the order's later events wait for it",
          "[e2e][postgres][webhooks]") {
  webhook_peer peer;
  khaacho_server srv{with({"--webhooks.allow-insecure=true"}, fast_webhooks)};
  peer.set_secret(register_webhook(srv, peer.url()));
  peer.script({500, {}, 0ms});
  auto id = insert_order(srv);
  set_status(srv, id, "PENDING_REVIEW");
  set_status(srv, id, "PROCESSING");
  set_status(srv, id, "COMPLETED");

  REQUIRE(peer.wait_for(4, 20s));
  REQUIRE(wait_settled(srv, 10s));
  std::this_thread::sleep_for(500ms);
  auto hits = peer.hits();
  REQUIRE(hits.size() == 4);
  // The 500 and its retry: one delivery, the same id and the same body.
  CHECK(hits[0].delivery_id == hits[1].delivery_id);
  CHECK(hits[0].body == hits[1].body);
  CHECK(hits[0].signature_valid);
  CHECK(hits[1].signature_valid);
  std::vector<std::string> statuses;
  for (const auto& h : hits)
    statuses.push_back(json_field(h.body, "/status"));
  CHECK(statuses
        == std::vector<std::string>{"PENDING_REVIEW", "PENDING_REVIEW", "PROCESSING", "COMPLETED"});
  CHECK(hits[2].delivery_id != hits[1].delivery_id);
  auto rows = deliveries(srv);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].status == "SENT");
  CHECK(rows[0].attempts == 2);
  CHECK(rows[0].response_status == 200);
  CHECK(rows[1].status == "SENT");
  CHECK(rows[1].attempts == 1);
  CHECK(rows[2].status == "SENT");
}

TEST_CASE("a refused delivery ends FAILED at once; one that keeps failing after max attempts",
          "[e2e][postgres][webhooks]") {
  webhook_peer peer;
  khaacho_server srv{with({"--webhooks.allow-insecure=true", "--webhooks.max-attempts=3"},
                          fast_webhooks)};
  register_webhook(srv, peer.url());
  peer.script({410, {}, 0ms});
  for (int i = 0; i < 3; ++i)
    peer.script({503, {}, 0ms});
  auto first = insert_order(srv);
  set_status(srv, first, "FAILED");
  REQUIRE(peer.wait_for(1, 10s));
  auto second = insert_order(srv);
  set_status(srv, second, "COMPLETED");
  REQUIRE(peer.wait_for(4, 20s));
  REQUIRE(wait_settled(srv, 10s));
  std::this_thread::sleep_for(500ms);
  CHECK(peer.hits().size() == 4);
  auto rows = deliveries(srv);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].status == "FAILED");
  CHECK(rows[0].attempts == 1);
  CHECK(rows[0].response_status == 410);
  CHECK(rows[1].status == "FAILED");
  CHECK(rows[1].attempts == 3);
  CHECK(rows[1].response_status == 503);
}

TEST_CASE("a claim left by a dead sender is taken over when it expires, with the same id",
          "[e2e][postgres][webhooks]") {
  webhook_peer peer;
  khaacho_server srv{with({"--webhooks.allow-insecure=true"}, fast_webhooks)};
  peer.set_secret(register_webhook(srv, peer.url()));
  // The status change and a claim by a node that died mid-send, in one
  // transaction, so the live sender never sees the row unclaimed.
  auto id = insert_order(srv);
  auto t = srv.db().exec_transaction(
    {{"UPDATE uploaded_orders SET status = 'COMPLETED' WHERE id = $1::uuid", db::pg_params(id)},
     {"UPDATE webhook_deliveries SET attempts = 1, claimed_by = 'dead-node/x',"
      " claimed_until = now() + interval '1500 milliseconds' RETURNING id::text AS id",
      {}}});
  REQUIRE(t);
  REQUIRE(t->at(1).size() == 1);
  auto* r = &t->at(1);
  auto delivery = r->row(0).get<std::string>("id");
  auto claimed_at = std::chrono::steady_clock::now();
  REQUIRE(peer.wait_for(1, 10s));
  CHECK(std::chrono::steady_clock::now() - claimed_at >= 1000ms);
  REQUIRE(wait_settled(srv, 10s));
  auto hits = peer.hits();
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].delivery_id == delivery);
  auto rows = deliveries(srv);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].status == "SENT");
  CHECK(rows[0].attempts == 2);
}

TEST_CASE("without insecure mode a loopback webhook is refused at registration and at send time",
          "[e2e][postgres][webhooks]") {
  std::atomic<int> connections{0};
  loopback_listener peer{[&](int, const std::atomic<bool>&) { ++connections; }};
  auto port = std::to_string(peer.port());
  khaacho_server srv{fast_webhooks};
  auto cli = srv.client();
  for (const auto& url : {"https://127.0.0.1:" + port + "/hook", "http://127.0.0.1:" + port + "/hook",
                          "https://localhost:" + port + "/hook", "https://[::1]:" + port + "/hook"}) {
    CAPTURE(url);
    auto res = cli.Post("/api/webhooks", bearer(token_for("retailer", retailer_a)),
                        R"({"url": ")" + url + R"("})", "application/json");
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json_field(res->body, "/error/code") == "invalid_request");
  }
  // A row that got past the API anyway (written when insecure mode was on,
  // or by hand) is refused by the sender before it connects.
  auto w = srv.db().exec(
    "INSERT INTO webhooks (retailer_id, url, secret) VALUES ($1::uuid, $2, $3)",
    db::pg_params(retailer_a, "https://127.0.0.1:" + port + "/hook", std::string(40, 's')));
  REQUIRE(w);
  auto id = insert_order(srv);
  set_status(srv, id, "COMPLETED");
  REQUIRE(wait_settled(srv, 10s));
  auto rows = deliveries(srv);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].status == "FAILED");
  CHECK(rows[0].attempts == 1);
  CHECK_FALSE(rows[0].response_status);
  CHECK(rows[0].last_error.find("public") != std::string::npos);
  CHECK(connections == 0);
  // The secret never reaches the log.
  CHECK(srv.process().out().find(std::string(40, 's')) == std::string::npos);
}
