// The GCS blob storage against a loopback fake of the JSON API: requests on
// the wire, bearer tokens (fixed, or fetched once from the metadata server and
// cached), and the classification of failures, timeouts and refusals.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "adapters/storage/gcs_storage.hpp"
#include "support/child_process.hpp"
#include "support/error_checks.hpp"
#include "support/fake_gcs_server.hpp"

using namespace khaacho;
using namespace khaacho::storage;
using namespace std::chrono_literals;

namespace {

const std::string bucket = "khaacho-test";
const std::string fixed_token = "fixed-token-abc123";

config::storage_settings settings_for(const test::fake_gcs_server& fake,
                                      const std::string& token = fixed_token) {
  config::storage_settings s;
  s.backend = "gcs";
  s.gcs_bucket = bucket;
  s.gcs_endpoint = fake.endpoint() + "/";
  s.gcs_token = token;
  s.gcs_metadata_url = fake.metadata_url();  // never the real metadata server
  return s;
}

std::string binary_bytes() {
  std::string out("\xff\xd8\xff\xe0", 4);
  out += std::string("\0\r\n\0", 4);
  for (int i = 0; i < 256; ++i)
    out += static_cast<char>(i);
  return out;
}

}  // namespace

TEST_CASE("gcs storage round-trips an object through the JSON API", "[storage]") {
  test::fake_gcs_server fake;
  gcs_storage store{settings_for(fake)};
  const std::string key = "orders/2024-05-01_order_7.jpg";
  const auto bytes = binary_bytes();

  REQUIRE(store.put(key, bytes, "image/jpeg"));
  // One object whose name holds the '/', not a folder.
  auto objects = fake.objects(bucket);
  REQUIRE(objects.size() == 1);
  REQUIRE(objects.count(key) == 1);
  CHECK(objects[key].data == bytes);
  CHECK(objects[key].content_type == "image/jpeg");

  auto got = store.get(key);
  REQUIRE(got);
  CHECK(*got == bytes);
  auto there = store.exists(key);
  REQUIRE(there);
  CHECK(*there);
  auto removed = store.remove(key);
  REQUIRE(removed);
  CHECK(*removed);
  CHECK(fake.objects(bucket).empty());

  auto reqs = fake.requests();
  REQUIRE(reqs.size() == 4);
  CHECK(reqs[0].method == "POST");
  CHECK(reqs[0].target == "/upload/storage/v1/b/" + bucket
                            + "/o?uploadType=media&name=orders%2F2024-05-01_order_7.jpg");
  CHECK(reqs[0].content_type == "image/jpeg");
  CHECK(reqs[1].method == "GET");
  CHECK(reqs[1].target == "/storage/v1/b/" + bucket + "/o/orders%2F2024-05-01_order_7.jpg?alt=media");
  CHECK(reqs[2].method == "GET");
  CHECK(reqs[2].target == "/storage/v1/b/" + bucket + "/o/orders%2F2024-05-01_order_7.jpg");
  CHECK(reqs[3].method == "DELETE");
  CHECK(reqs[3].target == "/storage/v1/b/" + bucket + "/o/orders%2F2024-05-01_order_7.jpg");
  for (const auto& r : reqs) {
    CAPTURE(r.target);
    CHECK(r.authorization == "Bearer " + fixed_token);
  }
  // A fixed token never asks the metadata server.
  CHECK(fake.metadata_fetches() == 0);

  CHECK(store.url_for(key) == "gs://" + bucket + "/" + key);
  CHECK(store.name() == "gcs");
}

TEST_CASE("gcs storage maps missing objects to not_found and false", "[storage]") {
  test::fake_gcs_server fake;
  gcs_storage store{settings_for(fake)};

  auto got = store.get("orders/none.jpg");
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::not_found));
  auto there = store.exists("orders/none.jpg");
  REQUIRE(there);
  CHECK_FALSE(*there);
  auto removed = store.remove("orders/none.jpg");
  REQUIRE(removed);
  CHECK_FALSE(*removed);
  CHECK(fake.requests().size() == 3);

  // Replacing keeps one object with the new bytes.
  REQUIRE(store.put("a.png", "one", "image/png"));
  REQUIRE(store.put("a.png", "two", "image/png"));
  auto again = store.get("a.png");
  REQUIRE(again);
  CHECK(*again == "two");

  // A body past curl's 1 MiB "Expect: 100-continue" threshold goes through whole.
  std::string large(3 * 1024 * 1024, '\0');
  for (size_t i = 0; i < large.size(); ++i)
    large[i] = static_cast<char>(i * 31 % 251);
  REQUIRE(store.put("large.jpg", large, "image/jpeg"));
  auto back = store.get("large.jpg");
  REQUIRE(back);
  CHECK(back->size() == large.size());
  CHECK(*back == large);
}

TEST_CASE("gcs storage fetches a metadata token once and caches it", "[storage]") {
  test::fake_gcs_server fake;
  fake.set_metadata_token("meta-token-1", 3599);
  gcs_storage store{settings_for(fake, "")};

  REQUIRE(store.put("orders/a.jpg", "bytes", "image/jpeg"));
  REQUIRE(store.get("orders/a.jpg"));
  REQUIRE(store.exists("orders/a.jpg"));
  CHECK(fake.metadata_fetches() == 1);

  auto reqs = fake.requests();
  REQUIRE(reqs.size() == 4);
  CHECK(reqs[0].metadata_flavor == "Google");
  CHECK(reqs[0].authorization.empty());  // no token goes to the metadata server
  for (size_t i = 1; i < reqs.size(); ++i)
    CHECK(reqs[i].authorization == "Bearer meta-token-1");
}

TEST_CASE("gcs storage refreshes a token that is about to expire", "[storage]") {
  test::fake_gcs_server fake;
  // Inside the 60 s margin: never worth caching.
  fake.set_metadata_token("short-lived", 30);
  gcs_storage store{settings_for(fake, "")};
  REQUIRE(store.exists("a"));
  REQUIRE(store.exists("a"));
  CHECK(fake.metadata_fetches() == 2);
}

TEST_CASE("gcs storage drops a fetched token that GCS rejects with 401", "[storage]") {
  test::fake_gcs_server fake;
  gcs_storage store{settings_for(fake, "")};
  REQUIRE(store.exists("a"));
  CHECK(fake.metadata_fetches() == 1);
  fake.fail_next(1, 401);
  auto refused = store.exists("a");
  REQUIRE_FALSE(refused);
  CHECK(test::has_code(refused.error(), errc::upstream_rejected));
  REQUIRE(store.exists("a"));
  CHECK(fake.metadata_fetches() == 2);
}

TEST_CASE("gcs storage classifies failures and never leaks the token", "[storage]") {
  test::fake_gcs_server fake;
  gcs_storage store{settings_for(fake)};

  auto check_put = [&](int status, errc expected) {
    CAPTURE(status);
    fake.fail_next(1, status);
    auto put = store.put("orders/a.jpg", "bytes", "image/jpeg");
    REQUIRE_FALSE(put);
    CHECK(test::has_code(put.error(), expected));
    auto text = describe(put.error());
    CHECK(text.find(std::to_string(status)) != std::string::npos);
    CHECK(text.find("orders/a.jpg") != std::string::npos);
    CHECK(text.find(fixed_token) == std::string::npos);
  };
  check_put(503, errc::upstream_unavailable);
  check_put(500, errc::upstream_unavailable);
  check_put(429, errc::upstream_unavailable);
  check_put(403, errc::upstream_rejected);
  check_put(401, errc::upstream_rejected);
  check_put(400, errc::upstream_rejected);
  CHECK(fake.objects(bucket).empty());

  // Each failure covered one request: the next one goes through.
  REQUIRE(store.put("orders/a.jpg", "bytes", "image/jpeg"));

  fake.fail_next(1, 503);
  auto got = store.get("orders/a.jpg");
  REQUIRE_FALSE(got);
  CHECK(test::has_code(got.error(), errc::upstream_unavailable));
  fake.fail_next(1, 403);
  auto there = store.exists("orders/a.jpg");
  REQUIRE_FALSE(there);
  CHECK(test::has_code(there.error(), errc::upstream_rejected));
  fake.fail_next(1, 502);
  auto removed = store.remove("orders/a.jpg");
  REQUIRE_FALSE(removed);
  CHECK(test::has_code(removed.error(), errc::upstream_unavailable));
  CHECK(fake.objects(bucket).size() == 1);
}

TEST_CASE("gcs storage reports a failing metadata server as unavailable", "[storage]") {
  test::fake_gcs_server fake;
  fake.set_metadata_token("meta-secret-token", 3599);
  gcs_storage store{settings_for(fake, "")};
  fake.fail_next(1, 500);
  auto put = store.put("a.jpg", "x", "image/jpeg");
  REQUIRE_FALSE(put);
  CHECK(test::has_code(put.error(), errc::upstream_unavailable));
  CHECK(fake.requests().size() == 1);  // the object request was never sent
  // The next call fetches again and succeeds; the token stays out of messages.
  REQUIRE(store.put("a.jpg", "x", "image/jpeg"));
  fake.fail_next(1, 503);
  auto got = store.get("a.jpg");
  REQUIRE_FALSE(got);
  CHECK(describe(got.error()).find("meta-secret-token") == std::string::npos);
}

TEST_CASE("gcs storage refuses invalid keys before any request", "[storage]") {
  test::fake_gcs_server fake;
  gcs_storage store{settings_for(fake)};
  for (std::string key : {"../x", "/etc/passwd", "a//b", "a%2Fb", "a\\b"}) {
    CAPTURE(key);
    auto put = store.put(key, "x", "image/jpeg");
    REQUIRE_FALSE(put);
    CHECK(test::has_code(put.error(), errc::bad_input));
    auto got = store.get(key);
    REQUIRE_FALSE(got);
    CHECK(test::has_code(got.error(), errc::bad_input));
  }
  auto header_injection = store.put("a.jpg", "x", "image/jpeg\r\nX-Evil: 1");
  REQUIRE_FALSE(header_injection);
  CHECK(test::has_code(header_injection.error(), errc::bad_input));
  CHECK(fake.requests().empty());
}

TEST_CASE("gcs storage gives up on an unreachable or slow endpoint in time", "[storage]") {
  SECTION("nothing listens") {
    config::storage_settings s;
    s.gcs_bucket = bucket;
    s.gcs_endpoint = "http://127.0.0.1:" + std::to_string(test::free_port());
    s.gcs_token = fixed_token;
    gcs_storage store{s, gcs_timeouts{1000ms, 2000ms}};
    auto start = std::chrono::steady_clock::now();
    auto put = store.put("a.jpg", "x", "image/jpeg");
    auto took = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(put);
    CHECK(test::has_code(put.error(), errc::upstream_unavailable));
    CHECK(describe(put.error()).find(fixed_token) == std::string::npos);
    CHECK(took < 3s);
    auto there = store.exists("a.jpg");
    REQUIRE_FALSE(there);
    CHECK(test::has_code(there.error(), errc::upstream_unavailable));
  }
  SECTION("the server does not answer in time") {
    test::fake_gcs_server fake;
    fake.set_delay(5s);
    gcs_storage store{settings_for(fake), gcs_timeouts{1000ms, 300ms}};
    auto start = std::chrono::steady_clock::now();
    auto got = store.get("a.jpg");
    auto took = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(got);
    CHECK(test::has_code(got.error(), errc::upstream_unavailable));
    CHECK(took < 3s);
  }
}
