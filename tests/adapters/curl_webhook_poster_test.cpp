// The webhook poster against local receivers: what a receiver sees (headers,
// signature, body), how each kind of answer or failure comes back, and the
// SSRF guard refusing before any connection is made.
#include <catch2/catch.hpp>

#include <atomic>
#include <ctime>

#include <sys/socket.h>

#include "adapters/webhook/curl_webhook_poster.hpp"
#include "common/errc.hpp"
#include "support/loopback_listener.hpp"
#include "support/webhook_peer.hpp"

using namespace khaacho;
using namespace khaacho::test;
using namespace std::chrono_literals;

namespace {

const std::string secret = "whsec_contract_test_secret_0123456789";
const std::string delivery = "8f0c2d4e-1a3b-4c5d-8e6f-7a8b9c0d1e2f";
const std::string body =
  R"({"event":"order.status_changed","orderId":"0b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c11","status":"COMPLETED","occurredAt":"2024-01-01T00:00:00.000Z"})";

webhook::curl_webhook_poster insecure_poster(std::chrono::milliseconds timeout = 5000ms) {
  return webhook::curl_webhook_poster{webhook::poster_options{true, timeout}};
}

webhook::webhook_post post_to(const std::string& url) {
  return {url, delivery, body, secret};
}

/// A peer that counts connections and reads the request, then does `then`.
struct counting_listener {
  explicit counting_listener(std::function<void(int)> then)
    : listener([this, then](int fd, const std::atomic<bool>& stopping) {
        ++connections;
        line_reader r{fd, stopping};
        r.read_until("\r\n\r\n", 5s);
        then(fd);
      }) {
  }
  std::atomic<int> connections{0};
  loopback_listener listener;
};

}  // namespace

TEST_CASE("a 2xx answer is delivered, signed and carrying the delivery id",
          "[adapters][webhooks]") {
  webhook_peer peer;
  peer.set_secret(secret);
  peer.script({204, {}, 0ms});
  auto poster = insecure_poster();
  auto answer = poster.post(post_to(peer.url("/in?x=1")));
  REQUIRE(answer);
  CHECK(answer->status == 204);
  auto hits = peer.hits();
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].path == "/in");
  CHECK(hits[0].content_type == "application/json");
  CHECK(hits[0].event == "order.status_changed");
  CHECK(hits[0].delivery_id == delivery);
  CHECK(hits[0].body == body);
  CHECK(hits[0].signature.rfind("v1=", 0) == 0);
  CHECK(hits[0].signature_valid);
  auto ts = std::stoll(hits[0].timestamp);
  CHECK(std::abs(ts - static_cast<long long>(std::time(nullptr))) <= 5);
}

TEST_CASE("4xx and 5xx answers come back as answers, with Retry-After", "[adapters][webhooks]") {
  webhook_peer peer;
  peer.script({400, {}, 0ms});
  peer.script({503, {{"Retry-After", "7"}}, 0ms});
  peer.script({429, {{"Retry-After", "120"}}, 0ms});
  auto poster = insecure_poster();
  auto a = poster.post(post_to(peer.url()));
  REQUIRE(a);
  CHECK(a->status == 400);
  CHECK_FALSE(a->retry_after);
  auto b = poster.post(post_to(peer.url()));
  REQUIRE(b);
  CHECK(b->status == 503);
  REQUIRE(b->retry_after);
  CHECK(*b->retry_after == 7000ms);
  auto c = poster.post(post_to(peer.url()));
  REQUIRE(c);
  CHECK(c->status == 429);
  REQUIRE(c->retry_after);
  CHECK(*c->retry_after == 120000ms);
}

TEST_CASE("a redirect is not followed", "[adapters][webhooks]") {
  webhook_peer elsewhere;
  webhook_peer peer;
  peer.script({302, {{"Location", elsewhere.url("/stolen")}}, 0ms});
  auto poster = insecure_poster();
  auto a = poster.post(post_to(peer.url()));
  REQUIRE(a);
  CHECK(a->status == 302);
  CHECK(elsewhere.hits().empty());
}

TEST_CASE("no answer within the timeout is an unknown outcome", "[adapters][webhooks]") {
  webhook_peer peer;
  peer.script({200, {}, 3000ms});
  auto poster = insecure_poster(500ms);
  auto began = std::chrono::steady_clock::now();
  auto a = poster.post(post_to(peer.url()));
  REQUIRE_FALSE(a);
  CHECK(has_code(a.error(), errc::timeout));
  CHECK(is_transient(a.error()));
  CHECK(std::chrono::steady_clock::now() - began < 2500ms);
  CHECK(peer.hits().size() == 1);  // it did arrive: hence "unknown", retried with the same id
}

TEST_CASE("a connection reset after the request is an unknown outcome", "[adapters][webhooks]") {
  counting_listener peer{[](int fd) {
    linger l{1, 0};  // close with RST
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  }};
  auto poster = insecure_poster();
  auto a = poster.post(post_to("http://127.0.0.1:" + std::to_string(peer.listener.port()) + "/"));
  REQUIRE_FALSE(a);
  CHECK(has_code(a.error(), errc::timeout));
  CHECK(peer.connections == 1);
}

TEST_CASE("a refused connection delivered nothing and is retried", "[adapters][webhooks]") {
  counting_listener peer{[](int) {}};
  auto port = peer.listener.port();
  peer.listener.stop_listening();
  auto poster = insecure_poster();
  auto a = poster.post(post_to("http://127.0.0.1:" + std::to_string(port) + "/"));
  REQUIRE_FALSE(a);
  CHECK(has_code(a.error(), errc::upstream_unavailable));
}

TEST_CASE("secure mode refuses loopback before connecting", "[adapters][webhooks]") {
  counting_listener peer{[](int) {}};
  auto port = std::to_string(peer.listener.port());
  webhook::curl_webhook_poster poster{webhook::poster_options{false, 2000ms}};
  for (auto url : {"https://127.0.0.1:" + port + "/", "http://127.0.0.1:" + port + "/",
                   "https://[::ffff:127.0.0.1]:" + port + "/"}) {
    CAPTURE(url);
    auto a = poster.post(post_to(url));
    REQUIRE_FALSE(a);
    CHECK(has_code(a.error(), errc::upstream_rejected));
    CHECK(describe(a.error()).find(secret) == std::string::npos);
  }
  CHECK(peer.connections == 0);
}

TEST_CASE("a name is checked by what it resolves to, and the connection pinned to it",
          "[adapters][webhooks]") {
  webhook_peer peer;
  auto port = std::to_string(peer.port());
  auto to_loopback = [](const std::string&) -> caf::expected<std::vector<model::ip_address>> {
    return std::vector<model::ip_address>{*model::parse_ip("127.0.0.1")};
  };
  SECTION("secure mode: a public-looking name that resolves to loopback is refused") {
    webhook::curl_webhook_poster poster{webhook::poster_options{false, 2000ms, to_loopback}};
    auto a = poster.post(post_to("https://hooks.example.com:" + port + "/"));
    REQUIRE_FALSE(a);
    CHECK(has_code(a.error(), errc::upstream_rejected));
    CHECK(describe(a.error()).find("loopback") != std::string::npos);
    CHECK(peer.hits().empty());
  }
  SECTION("secure mode: one internal address among public ones refuses the name") {
    auto mixed = [](const std::string&) -> caf::expected<std::vector<model::ip_address>> {
      return std::vector<model::ip_address>{*model::parse_ip("93.184.216.34"),
                                            *model::parse_ip("169.254.169.254")};
    };
    webhook::curl_webhook_poster poster{webhook::poster_options{false, 2000ms, mixed}};
    auto a = poster.post(post_to("https://hooks.example.com/"));
    REQUIRE_FALSE(a);
    CHECK(has_code(a.error(), errc::upstream_rejected));
  }
  SECTION("curl connects to the checked address, not to its own resolution") {
    // hooks.example.com does not resolve here; the pinned address does.
    webhook::curl_webhook_poster poster{webhook::poster_options{true, 2000ms, to_loopback}};
    auto a = poster.post(post_to("http://hooks.example.com:" + port + "/pinned"));
    REQUIRE(a);
    CHECK(a->status == 200);
    REQUIRE(peer.hits().size() == 1);
    CHECK(peer.hits()[0].path == "/pinned");
  }
  SECTION("a name that does not resolve delivered nothing") {
    auto nowhere = [](const std::string&) -> caf::expected<std::vector<model::ip_address>> {
      return caf::make_error(errc::upstream_unavailable, "no such host");
    };
    webhook::curl_webhook_poster poster{webhook::poster_options{true, 2000ms, nowhere}};
    auto a = poster.post(post_to("http://hooks.example.com/"));
    REQUIRE_FALSE(a);
    CHECK(has_code(a.error(), errc::upstream_unavailable));
  }
}

TEST_CASE("the poster refuses URLs that fail validation", "[adapters][webhooks]") {
  auto poster = insecure_poster();
  for (const char* url : {"ftp://127.0.0.1/", "http://u:p@127.0.0.1/", "http://127.1/"}) {
    CAPTURE(url);
    auto a = poster.post(post_to(url));
    REQUIRE_FALSE(a);
    CHECK(has_code(a.error(), errc::upstream_rejected));
  }
}
