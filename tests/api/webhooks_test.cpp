// POST/GET/DELETE /api/webhooks over real HTTP: who may register what, the
// secret shown once, and every refusal.
#include <catch2/catch.hpp>

#include "api/api_test_support.hpp"

using namespace khaacho;
using namespace khaacho::test;

namespace {

httplib::Result create(httplib::Client& cli, const std::string& token, const std::string& body) {
  return cli.Post("/api/webhooks", bearer(token), body, "application/json");
}

std::string url_body(const std::string& url) {
  return R"({"url": ")" + url + R"("})";
}

void check_error(const httplib::Result& res, int status, const std::string& code) {
  REQUIRE(res);
  CAPTURE(res->body);
  CHECK(res->status == status);
  CHECK(json_field(res->body, "/error/code") == code);
  CHECK_FALSE(json_field(res->body, "/error/message").empty());
}

}  // namespace

TEST_CASE("a retailer registers a webhook and sees its secret once", "[api][postgres][webhooks]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto token = token_for("retailer", retailer_a);
  auto res = create(cli, token, url_body("https://Hooks.Example.com/khaacho?k=1"));
  REQUIRE(res);
  CAPTURE(res->body);
  REQUIRE(res->status == 201);
  auto id = json_field(res->body, "/id");
  auto secret = json_field(res->body, "/secret");
  CHECK(json_field(res->body, "/url") == "https://hooks.example.com/khaacho?k=1");
  CHECK(json_field(res->body, "/retailerId") == retailer_a);
  CHECK(res->get_header_value("Location") == "/api/webhooks/" + id);
  CHECK(res->get_header_value("Cache-Control") == "no-store");
  // 32 random bytes in URL-safe base64 after the prefix.
  REQUIRE(secret.rfind("whsec_", 0) == 0);
  CHECK(secret.size() - 6 >= 43);
  auto stored = srv.db().exec("SELECT secret, retailer_id::text AS r FROM webhooks WHERE id = $1::uuid",
                              db::pg_params(id));
  REQUIRE(stored);
  REQUIRE(stored->size() == 1);
  CHECK(stored->row(0).get<std::string>("secret") == secret);

  // A second registration gets a different secret.
  auto other = create(cli, token, url_body("https://hooks.example.com/second"));
  REQUIRE(other);
  REQUIRE(other->status == 201);
  CHECK(json_field(other->body, "/secret") != secret);

  auto list = cli.Get("/api/webhooks", bearer(token));
  REQUIRE(list);
  CAPTURE(list->body);
  CHECK(list->status == 200);
  CHECK(json_array_size(list->body, "/items") == 2);
  CHECK(json_field(list->body, "/items/0/id") == id);
  CHECK(list->body.find(secret) == std::string::npos);
  CHECK(list->body.find("secret") == std::string::npos);

  // Another retailer sees none of them.
  auto theirs = cli.Get("/api/webhooks", bearer(token_for("retailer", retailer_b)));
  REQUIRE(theirs);
  CHECK(json_array_size(theirs->body, "/items") == 0);
}

TEST_CASE("webhook routes refuse a missing or bad token", "[api][postgres][webhooks]") {
  khaacho_server srv;
  auto cli = srv.client();
  check_error(cli.Post("/api/webhooks", url_body("https://hooks.example.com/"), "application/json"),
              401, "unauthorized");
  check_error(cli.Get("/api/webhooks"), 401, "unauthorized");
  check_error(cli.Delete("/api/webhooks/0b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c11"), 401,
              "unauthorized");
  check_error(create(cli, "not.a.token", url_body("https://hooks.example.com/")), 401,
              "unauthorized");
}

TEST_CASE("bad bodies and unsafe URLs are 400, an oversized body 413", "[api][postgres][webhooks]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto token = token_for("retailer", retailer_a);
  {  // malformed bodies
    for (const std::string body : {"", "not json", "[]", "{}", R"({"url": 5})",
                                   R"({"url": null})", R"({"url": "https://h.example.com/", "retailerId": 3})"}) {
      CAPTURE(body);
      check_error(create(cli, token, body), 400, "invalid_request");
    }
  }
  {  // URLs that are not https to a public host
    for (const std::string url :
         {"http://hooks.example.com/", "ftp://hooks.example.com/", "https://user:pw@hooks.example.com/",
          "https://127.0.0.1/", "https://localhost:8443/", "https://[::1]/",
          "https://169.254.169.254/latest/meta-data/", "https://10.0.0.8/", "https://100.64.0.1/",
          "https://[fd00::1]/", "https://metadata.google.internal/", "https://hooks.example.com:0/",
          "https://hooks.example.com:70000/", "https://127.1/", "https://hooks.example.com/#x",
          "relative/path", ""}) {
      CAPTURE(url);
      check_error(create(cli, token, url_body(url)), 400, "invalid_request");
    }
    check_error(create(cli, token, url_body("https://hooks.example.com/" + std::string(2100, 'a'))),
                400, "invalid_request");
  }
  {  // a body over 8 KiB
    auto big = R"({"url": "https://hooks.example.com/", "pad": ")" + std::string(9000, 'x') + "\"}";
    check_error(create(cli, token, big), 413, "payload_too_large");
  }
  CHECK(srv.db().exec("SELECT 1 FROM webhooks")->size() == 0);
}

TEST_CASE("a duplicate URL for the same retailer is 409; other retailers may share it",
          "[api][postgres][webhooks]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto a = token_for("retailer", retailer_a);
  auto first = create(cli, a, url_body("https://hooks.example.com/k"));
  REQUIRE(first);
  REQUIRE(first->status == 201);
  // Same URL after normalization (scheme and host case, default port).
  check_error(create(cli, a, url_body("HTTPS://HOOKS.example.com:443/k")), 409, "conflict");
  auto b = create(cli, token_for("retailer", retailer_b), url_body("https://hooks.example.com/k"));
  REQUIRE(b);
  CHECK(b->status == 201);
}

TEST_CASE("a retailer has at most 10 webhooks", "[api][postgres][webhooks]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto token = token_for("retailer", retailer_a);
  for (int i = 0; i < 10; ++i) {
    auto res = create(cli, token, url_body("https://hooks.example.com/" + std::to_string(i)));
    REQUIRE(res);
    REQUIRE(res->status == 201);
  }
  check_error(create(cli, token, url_body("https://hooks.example.com/11")), 409, "conflict");
}

TEST_CASE("retailerId: retailers may only name themselves, operators must name one",
          "[api][postgres][webhooks]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto body_for = [](const std::string& retailer) {
    return R"({"url": "https://hooks.example.com/", "retailerId": ")" + retailer + "\"}";
  };
  check_error(create(cli, token_for("retailer", retailer_a), body_for(retailer_b)), 403, "forbidden");
  auto own = create(cli, token_for("retailer", retailer_a), body_for(retailer_a));
  REQUIRE(own);
  CHECK(own->status == 201);

  auto op = token_for("operator");
  check_error(create(cli, op, url_body("https://hooks.example.com/")), 400, "invalid_retailer_id");
  check_error(create(cli, op, body_for("not-a-uuid")), 400, "invalid_retailer_id");
  auto made = create(cli, op, body_for(retailer_b));
  REQUIRE(made);
  CAPTURE(made->body);
  CHECK(made->status == 201);
  CHECK(json_field(made->body, "/retailerId") == retailer_b);

  check_error(cli.Get("/api/webhooks", bearer(op)), 400, "invalid_retailer_id");
  auto listed = cli.Get(("/api/webhooks?retailerId=" + retailer_b).c_str(), bearer(op));
  REQUIRE(listed);
  CHECK(listed->status == 200);
  CHECK(json_array_size(listed->body, "/items") == 1);
  check_error(cli.Get(("/api/webhooks?retailerId=" + retailer_b).c_str(),
                      bearer(token_for("retailer", retailer_a))),
              403, "forbidden");
}

TEST_CASE("a webhook is deleted by its retailer only; others get 404", "[api][postgres][webhooks]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto a = token_for("retailer", retailer_a);
  auto made = create(cli, a, url_body("https://hooks.example.com/d"));
  REQUIRE(made);
  REQUIRE(made->status == 201);
  auto path = "/api/webhooks/" + json_field(made->body, "/id");
  check_error(cli.Delete(path.c_str(), bearer(token_for("retailer", retailer_b))), 404, "not_found");
  check_error(cli.Delete("/api/webhooks/not-a-uuid", bearer(a)), 404, "not_found");
  auto gone = cli.Delete(path.c_str(), bearer(a));
  REQUIRE(gone);
  CHECK(gone->status == 204);
  check_error(cli.Delete(path.c_str(), bearer(a)), 404, "not_found");
  CHECK(srv.db().exec("SELECT 1 FROM webhooks")->size() == 0);
}

TEST_CASE("with webhooks.allow-insecure, http and loopback URLs are accepted",
          "[api][postgres][webhooks]") {
  khaacho_server srv{{"--webhooks.allow-insecure=true"}};
  auto cli = srv.client();
  auto res = create(cli, token_for("retailer", retailer_a), url_body("http://127.0.0.1:9/hook"));
  REQUIRE(res);
  CAPTURE(res->body);
  CHECK(res->status == 201);
  // Still no userinfo, other schemes or malformed hosts.
  check_error(create(cli, token_for("retailer", retailer_a), url_body("http://u@127.0.0.1/")), 400,
              "invalid_request");
  check_error(create(cli, token_for("retailer", retailer_a), url_body("file:///etc/passwd")), 400,
              "invalid_request");
}
