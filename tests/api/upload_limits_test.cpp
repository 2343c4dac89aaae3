// The upload route's limits: body size (refused before the body is read),
// per-retailer rate, the in-flight cap, slow clients, and many uploads at once.
#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <thread>

#include "api/api_test_support.hpp"
#include "support/raw_http.hpp"

using namespace khaacho;
using namespace khaacho::test;
using namespace std::chrono_literals;

namespace {

std::string upload_head(const std::string& token, const std::string& extra_headers) {
  return "POST /api/orders/upload-image HTTP/1.1\r\nHost: x\r\n"
         "Authorization: Bearer " + token + "\r\n"
         "Content-Type: multipart/form-data; boundary=b0und4ry\r\n" + extra_headers + "\r\n";
}

std::string image_part_head() {
  return "--b0und4ry\r\nContent-Disposition: form-data; name=\"image\"; filename=\"o.jpg\"\r\n"
         "Content-Type: image/jpeg\r\n\r\n";
}

}  // namespace

TEST_CASE("an oversized upload is refused before its body is read", "[api][postgres]") {
  khaacho_server srv{{"--http.max-upload-bytes=100000"}};
  auto token = token_for("retailer", retailer_a);

  SECTION("declared too large: 413 at once, none of the body needed") {
    raw_connection conn{srv.port()};
    conn.send(upload_head(token, "Content-Length: 50000000\r\n"));
    // Not one body byte was sent: an answer now proves nothing was waited for.
    auto resp = conn.read_response(10s);
    CAPTURE(resp);
    CHECK(status_of_raw(resp) == 413);
    CHECK(resp.find("payload_too_large") != std::string::npos);
  }
  SECTION("streamed without a length: 413 as soon as the image passes the limit") {
    raw_connection conn{srv.port()};
    conn.send(upload_head(token, "Transfer-Encoding: chunked\r\n"));
    // 150 kB of image in chunks, then the client stalls: it never ends the
    // body, so an answer can only come from reading having stopped early.
    std::string part = image_part_head() + std::string(150000, 'j');
    for (size_t off = 0; off < part.size(); off += 10000) {
      auto chunk = part.substr(off, 10000);
      char size_line[32];
      std::snprintf(size_line, sizeof(size_line), "%zx\r\n", chunk.size());
      conn.send(size_line + chunk + "\r\n");
    }
    auto resp = conn.read_response(10s);
    CAPTURE(resp);
    CHECK(status_of_raw(resp) == 413);
    CHECK(resp.find("payload_too_large") != std::string::npos);
  }
  CHECK(srv.order_count() == 0);
  CHECK(srv.stored_files().empty());
  // An image right under the limit still passes.
  auto cli = srv.client();
  auto ok = upload(cli, token, make_jpeg(20));
  REQUIRE(ok);
  CHECK(ok->status == 202);
}

TEST_CASE("each retailer has its own upload rate limit", "[api][postgres]") {
  khaacho_server srv{{"--http.retailer-burst=2", "--http.retailer-rate=0.01"}};
  auto cli = srv.client();
  auto a = token_for("retailer", retailer_a);
  REQUIRE(upload(cli, a, make_jpeg(21))->status == 202);
  REQUIRE(upload(cli, a, make_jpeg(22))->status == 202);
  auto limited = upload(cli, a, make_jpeg(23));
  REQUIRE(limited);
  CHECK(limited->status == 429);
  CHECK(json_field(limited->body, "/error/code") == "rate_limited");
  REQUIRE(limited->has_header("Retry-After"));
  CHECK(std::stoi(limited->get_header_value("Retry-After")) >= 1);
  // Another retailer is not affected.
  auto other = upload(cli, token_for("retailer", retailer_b), make_jpeg(24));
  REQUIRE(other);
  CHECK(other->status == 202);
  CHECK(srv.order_count() == 3);
}

TEST_CASE("beyond the in-flight cap uploads get 503 overloaded", "[api][postgres]") {
  khaacho_server srv{{"--http.max-in-flight-uploads=1"}};
  auto token = token_for("retailer", retailer_a);
  // One upload holds the only slot: its body is still arriving.
  raw_connection slow{srv.port()};
  slow.send(upload_head(token, "Content-Length: 5000\r\n") + image_part_head() + "partial");
  std::this_thread::sleep_for(300ms);
  auto cli = srv.client();
  auto refused = upload(cli, token, make_jpeg(25));
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK(json_field(refused->body, "/error/code") == "overloaded");
  CHECK(refused->has_header("Retry-After"));
  // When the slow client goes away the slot frees up.
  slow.close();
  bool accepted = false;
  for (int i = 0; i < 50 && !accepted; ++i) {
    auto res = upload(cli, token, make_jpeg(26));
    accepted = res && res->status == 202;
    if (!accepted)
      std::this_thread::sleep_for(100ms);
  }
  CHECK(accepted);
}

TEST_CASE("a database backlog over its limit refuses uploads with 503", "[api][postgres]") {
  khaacho_server srv{{"--node.max-backlog=2"}};
  auto cli = srv.client();
  auto token = token_for("retailer", retailer_a);
  // No pipeline runs on this node, so accepted orders stay unowned.
  for (uint32_t i = 0; i < 2; ++i) {
    auto ok = upload(cli, token, make_jpeg(70 + i));
    REQUIRE(ok);
    REQUIRE(ok->status == 202);
    std::this_thread::sleep_for(600ms);  // past the count's cache
  }
  auto refused = upload(cli, token, make_jpeg(72));
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK(json_field(refused->body, "/error/code") == "overloaded");
  CHECK(refused->has_header("Retry-After"));
  CHECK(srv.order_count() == 2);
}

TEST_CASE("a client that stops sending is dropped, not waited for", "[api][postgres]") {
  khaacho_server srv{{"--http.read-timeout=1s"}};
  auto token = token_for("retailer", retailer_a);
  raw_connection slow{srv.port()};
  slow.send(upload_head(token, "Content-Length: 5000\r\n") + image_part_head() + "partial");
  auto start = std::chrono::steady_clock::now();
  auto resp = slow.read_response(15s);
  auto waited = std::chrono::steady_clock::now() - start;
  CAPTURE(resp);
  // Either an error answer or a closed connection, well before our 15 s.
  CHECK(waited < 10s);
  if (!resp.empty())
    CHECK(status_of_raw(resp) == 400);
  CHECK(srv.order_count() == 0);
}

TEST_CASE("an upload that trickles in past its deadline gets 408", "[api][postgres]") {
  khaacho_server srv{{"--http.upload-deadline=1s"}};
  auto token = token_for("retailer", retailer_a);
  raw_connection slow{srv.port()};
  slow.send(upload_head(token, "Content-Length: 5000\r\n") + image_part_head());
  // A byte every 200 ms never trips the read timeout, only the deadline.
  std::string resp;
  for (int i = 0; i < 40 && resp.empty(); ++i) {
    slow.send("j");
    resp = slow.read_response(200ms);
  }
  CAPTURE(resp);
  CHECK(status_of_raw(resp) == 408);
  CHECK(resp.find("request_timeout") != std::string::npos);
  CHECK(srv.order_count() == 0);
}

TEST_CASE("100 concurrent uploads of distinct images make 100 orders and 100 blobs",
          "[api][postgres]") {
  khaacho_server srv{{"--http.retailer-burst=1000", "--http.threads=16"}};
  std::atomic<int> accepted{0};
  std::vector<std::thread> clients;
  std::mutex ids_mtx;
  std::set<std::string> ids;
  for (int t = 0; t < 10; ++t)
    clients.emplace_back([&, t] {
      auto cli = srv.client();
      auto token = token_for("retailer", t % 2 ? retailer_a : retailer_b);
      for (int i = 0; i < 10; ++i) {
        auto res = upload(cli, token, make_jpeg(static_cast<uint32_t>(1000 + t * 10 + i)));
        if (res && res->status == 202) {
          ++accepted;
          std::lock_guard<std::mutex> g{ids_mtx};
          ids.insert(json_field(res->body, "/id"));
        }
      }
    });
  for (auto& c : clients)
    c.join();
  CHECK(accepted == 100);
  CHECK(ids.size() == 100);
  CHECK(srv.order_count() == 100);
  CHECK(srv.stored_files().size() == 100);
}
