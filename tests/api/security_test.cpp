// The attacker's view of the real binary (issue 10, "Hostile input"): forged
// and stale tokens, other retailers' ids, SQL meta-characters, path traversal,
// oversized requests, many tiny multipart parts, decompression bombs,
// slowloris, and secrets that must never reach a log line or an error body.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include <openssl/evp.h>

#include "adapters/auth/token_signer.hpp"
#include "api/api_test_support.hpp"
#include "common/digest.hpp"
#include "support/forged_tokens.hpp"
#include "support/image_bytes.hpp"
#include "support/raw_http.hpp"

using namespace khaacho;
using namespace khaacho::test;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

std::string make_token(std::string_view header, std::string_view payload,
                       std::string_view key = test_jwt_secret, const EVP_MD* md = EVP_sha256()) {
  return test::sign_token(header, payload, key, md);
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

/// Claims of an admin (the most a forger could want), with `extra` appended.
std::string admin_claims(int64_t exp_offset, const std::string& extra = "") {
  return R"({"sub":"mallory","role":"admin","exp":)" + std::to_string(unix_now() + exp_offset)
         + extra + "}";
}

void check_error(const httplib::Result& res, int status, const std::string& code) {
  REQUIRE(res);
  CAPTURE(res->body);
  CHECK(res->status == status);
  CHECK(json_field(res->body, "/error/code") == code);
}

bool table_exists(khaacho_server& srv, const std::string& name) {
  auto r = srv.db().exec("SELECT to_regclass($1) IS NOT NULL AS present", db::pg_params(name));
  REQUIRE(r);
  return r->row(0).get<bool>("present");
}

/// An answer to `method path` sent byte for byte (no client-side encoding).
std::string raw_request(int port, const std::string& method, const std::string& path,
                        const std::string& token, const std::string& body = "") {
  raw_connection conn{port};
  conn.send(method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n"
            "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  return conn.read_response(10s);
}

}  // namespace

TEST_CASE("security: forged, confused and stale tokens get 401 on every route family",
          "[security][api][postgres]") {
  khaacho_server srv;
  auto cli = srv.client();
  const auto now = unix_now();
  const std::string hs256 = R"({"alg":"HS256","typ":"JWT"})";
  auto unsigned_input = base64url(R"({"alg":"none","typ":"JWT"})") + "." + base64url(admin_claims(600));
  auth::token_claims claims{"test-admin", "admin", "", std::chrono::seconds{60}};
  auto expired = *auth::sign_token(claims, test_jwt_secret, std::chrono::system_clock::now() - 1h);
  // Issued an hour from now: a clock-skewed or pre-minted token.
  auto future = *auth::sign_token(claims, test_jwt_secret, std::chrono::system_clock::now() + 1h);
  std::vector<std::pair<std::string, std::string>> tokens{
    {"alg none, no signature", unsigned_input + "."},
    {"alg none, HS256 signature", unsigned_input + "." + base64url(test::hmac_raw(EVP_sha256(), test_jwt_secret, unsigned_input))},
    {"alg None", make_token(R"({"alg":"None"})", admin_claims(600))},
    {"RS256 header, HMAC with the secret", make_token(R"({"alg":"RS256","typ":"JWT"})", admin_claims(600))},
    {"HS512 with the secret", make_token(R"({"alg":"HS512","typ":"JWT"})", admin_claims(600), test_jwt_secret, EVP_sha512())},
    {"HS384 with the secret", make_token(R"({"alg":"HS384"})", admin_claims(600), test_jwt_secret, EVP_sha384())},
    {"alg twice", make_token(R"({"alg":"HS256","alg":"none"})", admin_claims(600))},
    {"another secret", make_token(hs256, admin_claims(600), std::string(48, 'x'))},
    {"expired an hour ago", expired},
    {"exp missing", make_token(hs256, R"({"sub":"mallory","role":"admin"})")},
    {"nbf an hour ahead", make_token(hs256, admin_claims(7200, ",\"nbf\":" + std::to_string(now + 3600)))},
    {"iat an hour ahead", future},
    {"payload swapped under a valid signature",
     [&] {
       auto real = token_for("retailer", retailer_a);
       auto dot = real.find('.');
       auto dot2 = real.find('.', dot + 1);
       return real.substr(0, dot + 1) + base64url(admin_claims(600)) + real.substr(dot2);
     }()},
  };
  const std::vector<std::pair<bool, std::string>> routes{
    {false, "/api/orders/uploads"},
    {false, "/api/orders/uploads/" + retailer_b},
    {false, "/api/products?q=sugar"},
    {false, "/api/webhooks"},
    {false, "/admin/actors"},
    {true, "/admin/orders/" + retailer_b + "/retry"},
  };
  for (const auto& [name, token] : tokens) {
    CAPTURE(name);
    for (const auto& [post, path] : routes) {
      CAPTURE(path);
      auto res = post ? cli.Post(path.c_str(), bearer(token), "", "application/json")
                      : cli.Get(path.c_str(), bearer(token));
      check_error(res, 401, "unauthorized");
      CHECK(res->body.find(test_jwt_secret) == std::string::npos);
    }
    auto up = upload(cli, token, make_jpeg(3));
    check_error(up, 401, "unauthorized");
  }
  CHECK(srv.order_count() == 0);
  CHECK(srv.stored_files().empty());
}

TEST_CASE("security: another retailer's order and webhook answer 404 exactly like unknown ids",
          "[security][api][postgres]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto a = token_for("retailer", retailer_a);
  auto b = token_for("retailer", retailer_b);
  auto up = upload(cli, a, make_jpeg(11));
  REQUIRE(up);
  REQUIRE(up->status == 202);
  auto id = json_field(up->body, "/id");
  auto hook = cli.Post("/api/webhooks", bearer(a), R"({"url": "https://hooks.example.com/a"})",
                       "application/json");
  REQUIRE(hook);
  REQUIRE(hook->status == 201);
  auto hook_id = json_field(hook->body, "/id");
  const std::string unknown = "11111111-2222-4333-8444-555555555555";

  auto same_as_unknown = [](const httplib::Result& theirs, const httplib::Result& nobodys,
                            const std::string& their_id) {
    check_error(theirs, 404, "not_found");
    check_error(nobodys, 404, "not_found");
    // Same words: nothing tells "exists, not yours" from "does not exist".
    CHECK(json_field(theirs->body, "/error/message") == json_field(nobodys->body, "/error/message"));
    CHECK(theirs->body.find(their_id) == std::string::npos);
  };
  same_as_unknown(cli.Get(("/api/orders/uploads/" + id).c_str(), bearer(b)),
                  cli.Get(("/api/orders/uploads/" + unknown).c_str(), bearer(b)), id);
  same_as_unknown(cli.Get(("/api/orders/uploads/" + id + "/image").c_str(), bearer(b)),
                  cli.Get(("/api/orders/uploads/" + unknown + "/image").c_str(), bearer(b)), id);
  // A review body is checked before the order is looked up, so here both
  // answers are the same 400: still nothing to tell the two apart by.
  const std::string review_body = R"({"items": [{"productId": ")" + unknown + R"(", "quantity": 1}]})";
  auto their_review = cli.Post(("/api/orders/uploads/" + id + "/review").c_str(), bearer(b),
                               review_body, "application/json");
  auto no_review = cli.Post(("/api/orders/uploads/" + unknown + "/review").c_str(), bearer(b),
                            review_body, "application/json");
  REQUIRE(their_review);
  REQUIRE(no_review);
  CHECK(their_review->status != 403);
  CHECK(their_review->status == no_review->status);
  CHECK(json_field(their_review->body, "/error/message") == json_field(no_review->body, "/error/message"));
  same_as_unknown(cli.Delete(("/api/webhooks/" + hook_id).c_str(), bearer(b)),
                  cli.Delete(("/api/webhooks/" + unknown).c_str(), bearer(b)), hook_id);
  // B's list holds none of A's orders; A's webhook still exists.
  auto list = cli.Get("/api/orders/uploads", bearer(b));
  REQUIRE(list);
  CHECK(json_array_size(list->body, "/items") == 0);
  auto hooks = cli.Get("/api/webhooks", bearer(a));
  REQUIRE(hooks);
  CHECK(hooks->body.find(hook_id) != std::string::npos);
}

TEST_CASE("security: SQL meta-characters in client fields are stored verbatim, never executed",
          "[security][api][postgres]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto a = token_for("retailer", retailer_a);
  auto op = token_for("operator");
  // Idempotency-Key allows visible ASCII only, so comments stand in for spaces.
  const std::string key = "';DROP/**/TABLE/**/uploaded_orders;--\"\\$$";
  auto first = upload(cli, a, make_jpeg(21), "", {{"Idempotency-Key", key}});
  REQUIRE(first);
  CAPTURE(first->body);
  REQUIRE(first->status == 202);
  auto id = json_field(first->body, "/id");
  auto replay = upload(cli, a, make_jpeg(21), "", {{"Idempotency-Key", key}});
  REQUIRE(replay);
  CHECK(replay->status == 200);
  CHECK(json_field(replay->body, "/id") == id);
  auto stored = srv.db().exec("SELECT idempotency_key FROM uploaded_orders WHERE id = $1::uuid",
                              db::pg_params(id));
  REQUIRE(stored);
  REQUIRE(stored->size() == 1);
  CHECK(stored->row(0).get<std::string>("idempotency_key") == key);

  // A webhook URL carrying SQL in its query string.
  const std::string url = "https://hooks.example.com/h?q=';DROP/**/TABLE/**/webhooks;--";
  auto hook = cli.Post("/api/webhooks", bearer(a), R"({"url": ")" + url + R"("})", "application/json");
  REQUIRE(hook);
  CAPTURE(hook->body);
  REQUIRE(hook->status == 201);
  auto stored_url = srv.db().exec("SELECT url FROM webhooks WHERE id = $1::uuid",
                                  db::pg_params(json_field(hook->body, "/id")));
  REQUIRE(stored_url);
  REQUIRE(stored_url->size() == 1);
  CHECK(stored_url->row(0).get<std::string>("url") == json_field(hook->body, "/url"));
  CHECK(stored_url->row(0).get<std::string>("url").find("DROP/**/TABLE") != std::string::npos);

  // Search text is matched, not run.
  auto search = cli.Get("/api/products?q=%27%3B%20DROP%20TABLE%20products%3B--&limit=5", bearer(a));
  REQUIRE(search);
  CAPTURE(search->body);
  CHECK((search->status == 200 || search->status == 503));
  // Fields with a shape refuse what does not fit it.
  check_error(cli.Get("/api/orders/uploads?status=%27%20OR%20%271%27%3D%271", bearer(a)), 400,
              "invalid_request");
  check_error(cli.Get("/api/orders/uploads?cursor=%27%3BDROP%20TABLE%20uploaded_orders%3B--", bearer(a)),
              400, "invalid_request");
  auto by_retailer = cli.Get("/api/orders/uploads?retailerId=%27%20OR%201%3D1--", bearer(op));
  REQUIRE(by_retailer);
  CHECK(by_retailer->status == 400);
  auto op_upload = upload(cli, op, make_jpeg(22), "'; DROP TABLE uploaded_orders;--");
  check_error(op_upload, 400, "invalid_retailer_id");

  // A review naming a product by SQL: an unknown product, nothing changed.
  auto pending = srv.db().exec(
    "UPDATE uploaded_orders SET status = 'PENDING_REVIEW'::order_status WHERE id = $1::uuid",
    db::pg_params(id));
  REQUIRE(pending);
  auto review = cli.Post(("/api/orders/uploads/" + id + "/review").c_str(), bearer(a),
                         R"({"items": [{"productId": "'; DROP TABLE products;--", "quantity": 1,)"
                         R"( "unit": "kg'; DELETE FROM uploaded_orders;--"}]})",
                         "application/json");
  check_error(review, 400, "invalid_request");

  for (auto table : {"uploaded_orders", "webhooks", "products", "uploaded_order_items"})
    CHECK(table_exists(srv, table));
  CHECK(srv.order_count() == 1);
}

TEST_CASE("security: path traversal in ids and keys never leaves the id space",
          "[security][api][postgres]") {
  khaacho_server srv;
  auto a = token_for("retailer", retailer_a);
  auto admin = token_for("admin");
  const std::vector<std::string> ids{
    "../../../../etc/passwd",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%252e%252e%252fetc%252fpasswd",
    "..%5c..%5cetc%5cpasswd",
    "....//....//etc/passwd",
    "%2e%2e",
    "..",
    "%00",
    "0b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c11%2f..%2f..",
  };
  const std::vector<std::pair<std::string, std::string>> shapes{
    {"GET", "/api/orders/uploads/{}"},
    {"GET", "/api/orders/uploads/{}/image"},
    {"POST", "/api/orders/uploads/{}/review"},
    {"DELETE", "/api/webhooks/{}"},
    {"GET", "/admin/actors/{}"},
    {"POST", "/admin/orders/{}/retry"},
  };
  for (const auto& id : ids) {
    for (const auto& [method, shape] : shapes) {
      auto path = shape;
      path.replace(path.find("{}"), 2, id);
      CAPTURE(method, path);
      auto resp = raw_request(srv.port(), method, path, shape.rfind("/admin", 0) == 0 ? admin : a,
                              method == "POST" ? R"({"items": []})" : "");
      auto status = status_of_raw(resp);
      // 404 for an id that is no UUID; 400 where the URL itself is refused.
      CHECK((status == 404 || status == 400));
      CHECK(resp.find("root:") == std::string::npos);
      CHECK(resp.find("\"error\"") != std::string::npos);
    }
  }
  // An Idempotency-Key shaped like a path is only a key: the blob is stored
  // under a key built from the order id.
  auto cli = srv.client();
  auto up = upload(cli, a, make_jpeg(31), "", {{"Idempotency-Key", "../../../../tmp/owned"}},
                   "", "../../../../tmp/owned.jpg");
  REQUIRE(up);
  REQUIRE(up->status == 202);
  auto files = srv.stored_files();
  REQUIRE(files.size() == 1);
  CHECK(files[0].rfind("orders/", 0) == 0);
  CHECK(files[0].find("..") == std::string::npos);
  CHECK(json_field(up->body, "/imageKey") == files[0]);
}

TEST_CASE("security: oversized headers, URIs and bodies are refused and the server stays up",
          "[security][api][postgres]") {
  khaacho_server srv{{"--http.max-upload-bytes=100000", "--http.read-timeout=2s"}};
  auto a = token_for("retailer", retailer_a);
  auto refused = [&](const std::string& request) {
    raw_connection conn{srv.port()};
    conn.send(request);
    auto resp = conn.read_response(10s);
    CAPTURE(resp.substr(0, 200));
    return resp.empty() ? 0 : status_of_raw(resp);
  };
  // One 64 KiB header line (httplib's line limit is 8 KiB).
  auto big_header = refused("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a')
                            + "\r\n\r\n");
  CHECK((big_header == 0 || (big_header >= 400 && big_header < 500)));
  // A 64 KiB request line.
  auto big_uri = refused("GET /api/orders/uploads/" + std::string(64 * 1024, 'a')
                         + " HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK((big_uri == 0 || (big_uri >= 400 && big_uri < 500)));
  // A 2 MiB bearer token.
  auto big_token = refused("GET /api/orders/uploads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                           + std::string(2 * 1024 * 1024, 'a') + "\r\n\r\n");
  CHECK((big_token == 0 || (big_token >= 400 && big_token < 500)));
  // JSON bodies over their route's limit: 413, declared length alone.
  auto cli = srv.client();
  auto big_review = cli.Post("/api/orders/uploads/11111111-2222-4333-8444-555555555555/review",
                             bearer(a), std::string(1024 * 1024, ' ') + "{}", "application/json");
  check_error(big_review, 413, "payload_too_large");
  auto big_hook = cli.Post("/api/webhooks", bearer(a),
                           R"({"url": "https://hooks.example.com/)" + std::string(64 * 1024, 'a') + "\"}",
                           "application/json");
  check_error(big_hook, 413, "payload_too_large");
  // A body past the server-wide cap is refused on its declared length
  // (httplib discards what the client sends, up to the read timeout).
  auto over_cap = refused("POST /api/webhooks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + a
                          + "\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{");
  CHECK(over_cap == 413);
  // Still answering, and nothing was stored.
  auto health = cli.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(srv.order_count() == 0);
}

TEST_CASE("security: a form of many tiny parts is refused without storing anything",
          "[security][api][postgres]") {
  khaacho_server srv;
  auto a = token_for("retailer", retailer_a);
  std::vector<form_part> parts;
  for (int i = 0; i < 5000; ++i)
    parts.push_back({"x" + std::to_string(i), "", "", "y"});
  parts.push_back({"image", "o.jpg", "image/jpeg", make_jpeg(41)});
  auto body = multipart_body("b0und4ry", parts);
  raw_connection conn{srv.port()};
  auto start = std::chrono::steady_clock::now();
  conn.send("POST /api/orders/upload-image HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + a
            + "\r\nContent-Type: multipart/form-data; boundary=b0und4ry\r\nContent-Length: "
            + std::to_string(body.size()) + "\r\n\r\n" + body);
  auto resp = conn.read_response(10s);
  CAPTURE(resp.substr(0, 300));
  auto status = status_of_raw(resp);
  CHECK((status == 400 || status == 413));
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  CHECK(srv.order_count() == 0);
  CHECK(srv.stored_files().empty());
}

TEST_CASE("security: images declaring a huge width x height are refused before decoding",
          "[security][api][postgres]") {
  SECTION("the default cap (64 megapixels)") {
    khaacho_server srv;
    auto cli = srv.client();
    auto a = token_for("retailer", retailer_a);
    for (const auto& [name, bomb] : std::vector<std::pair<std::string, std::string>>{
           {"png 100000 x 100000", bomb_png(100000, 100000)},
           {"png 2^31-1 square", bomb_png(0x7fffffff, 0x7fffffff)},
           {"jpeg 65535 x 65535", bomb_jpeg(65535, 65535)},
           {"png 8001 x 8000", bomb_png(8001, 8000)},
         }) {
      CAPTURE(name, bomb.size());
      auto res = upload(cli, a, bomb);
      check_error(res, 413, "payload_too_large");
      CHECK(json_field(res->body, "/error/message").find("pixels") != std::string::npos);
    }
    CHECK(srv.order_count() == 0);
    CHECK(srv.stored_files().empty());
    // A 48-megapixel phone photo's header is fine.
    auto ok = upload(cli, a, bomb_png(8000, 6000));
    REQUIRE(ok);
    CHECK(ok->status == 202);
  }
  SECTION("http.max-image-pixels sets the cap") {
    khaacho_server srv{{"--http.max-image-pixels=1000"}};
    auto cli = srv.client();
    auto a = token_for("retailer", retailer_a);
    check_error(upload(cli, a, make_image(image_kind::jpeg, 40, 40, 1)), 413, "payload_too_large");
    auto ok = upload(cli, a, make_image(image_kind::jpeg, 30, 30, 2));
    REQUIRE(ok);
    CHECK(ok->status == 202);
  }
}

TEST_CASE("security: slowloris: a header trickled a byte a second is dropped within the read "
          "timeout while /healthz keeps answering fast",
          "[security][api][postgres]") {
  khaacho_server srv{{"--http.read-timeout=2s", "--http.threads=4"}};
  raw_connection slow{srv.port()};
  REQUIRE(slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ") > 0);
  auto start = std::chrono::steady_clock::now();
  auto cli = srv.client();
  bool dropped = false;
  std::chrono::steady_clock::duration worst{0};
  std::chrono::steady_clock::duration dropped_after{0};
  // One header byte a second, for at most 10 s; /healthz timed between bytes.
  for (int i = 0; i < 10 && !dropped; ++i) {
    for (int k = 0; k < 4; ++k) {
      auto t0 = std::chrono::steady_clock::now();
      auto h = cli.Get("/healthz");
      worst = std::max(worst, std::chrono::steady_clock::now() - t0);
      REQUIRE(h);
      CHECK(h->status == 200);
      std::this_thread::sleep_for(250ms - (std::chrono::steady_clock::now() - t0));
    }
    if (slow.send("a", 1s) != 1) {
      dropped = true;
    } else {
      // A closed connection reads as EOF at once (or a 408/400 answer).
      auto got = slow.read_response(10ms);
      dropped = !got.empty();
    }
    dropped_after = std::chrono::steady_clock::now() - start;
  }
  if (!dropped) {
    // The peer may have closed only its reading side: a last read tells.
    std::this_thread::sleep_for(200ms);
    dropped = slow.send("a", 1s) != 1;
  }
  CAPTURE(std::chrono::duration_cast<std::chrono::milliseconds>(dropped_after).count());
  CAPTURE(std::chrono::duration_cast<std::chrono::milliseconds>(worst).count());
  CHECK(dropped);
  CHECK(dropped_after < 5s);
  CHECK(worst < 100ms);
}

TEST_CASE("security: secrets never reach the log or an error body", "[security][api][postgres]") {
  const std::string openai = "sk-sec-openai-3f9c2a7d41e84b6f9a0c5d2e7b1f8a4c";
  const std::string vision = "AIzaSecVision9d8c7b6a5f4e3d2c1b0a9f8e7d6c";
  const std::string whatsapp = "EAAGsecWhatsapp7c6b5a4f3e2d1c0b9a8f7e6d";
  const std::string gcs = "ya29.secGcsToken0a1b2c3d4e5f6a7b8c9d0e1f2a3b";
  const std::string metrics = "sec-metrics-token-5e4d3c2b1a0f9e8d7c6b";
  khaacho_server srv{{},
                     {{"OPENAI_API_KEY", openai},
                      {"GOOGLE_VISION_API_KEY", vision},
                      {"WHATSAPP_TOKEN", whatsapp},
                      {"GCS_ACCESS_TOKEN", gcs},
                      {"METRICS_TOKEN", metrics},
                      {"LOG_LEVEL", "debug"}}};
  auto cli = srv.client();
  auto good = token_for("retailer", retailer_a);
  auto forged = make_token(R"({"alg":"HS256"})", admin_claims(600), std::string(48, 'x'));
  std::vector<httplib::Result> answers;
  answers.push_back(cli.Get("/api/orders/uploads", bearer(forged)));
  answers.push_back(cli.Get("/api/orders/uploads", bearer(good + "x")));
  answers.push_back(cli.Get("/api/orders/uploads", bearer(test_jwt_secret)));
  answers.push_back(cli.Get("/api/orders/uploads?cursor=zz", bearer(good)));
  answers.push_back(cli.Get("/metrics", bearer(openai)));
  answers.push_back(cli.Get("/admin/actors", bearer(good)));
  answers.push_back(upload(cli, good, "not an image"));
  answers.push_back(upload(cli, good, bomb_png(100000, 100000)));
  answers.push_back(cli.Post("/api/webhooks", bearer(good), "{not json", "application/json"));
  answers.push_back(cli.Post("/api/webhooks", bearer(good), R"({"url": "http://127.0.0.1/x"})",
                             "application/json"));
  answers.push_back(cli.Get("/api/orders/uploads/not-a-uuid", bearer(good)));
  auto hook = cli.Post("/api/webhooks", bearer(good), R"({"url": "https://hooks.example.com/s"})",
                       "application/json");
  REQUIRE(hook);
  REQUIRE(hook->status == 201);
  auto hook_secret = json_field(hook->body, "/secret");
  REQUIRE_FALSE(hook_secret.empty());
  auto scrape = cli.Get("/metrics", bearer(metrics));
  REQUIRE(scrape);
  CHECK(scrape->status == 200);
  // Let the log lines of these requests be written.
  std::this_thread::sleep_for(300ms);
  auto log = srv.process().out() + srv.process().err();
  REQUIRE_FALSE(log.empty());
  for (const auto& secret : {test_jwt_secret, openai, vision, whatsapp, gcs, metrics, hook_secret,
                             good, forged}) {
    CAPTURE(secret.substr(0, 12));
    CHECK(log.find(secret) == std::string::npos);
    for (const auto& a : answers) {
      REQUIRE(a);
      CHECK(a->status >= 400);
      CHECK(a->body.find(secret) == std::string::npos);
    }
  }
  // The signature part of a token is the bearer credential proper.
  CHECK(log.find(good.substr(good.rfind('.') + 1)) == std::string::npos);
}
