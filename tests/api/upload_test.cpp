// POST /api/orders/upload-image against the real binary: the happy path,
// content sniffing, idempotency and duplicates, and every refusal leaving
// neither a row nor a blob behind.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>

#include "adapters/auth/token_signer.hpp"
#include "api/api_test_support.hpp"
#include "support/raw_http.hpp"

using namespace khaacho;
using namespace khaacho::test;

namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in{p, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

/// Nothing of a refused upload may remain.
void require_nothing_stored(khaacho_server& srv) {
  CHECK(srv.order_count() == 0);
  CHECK(srv.stored_files().empty());
}

}  // namespace

TEST_CASE("an accepted upload is durable, described by 202 and readable", "[api][postgres]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto image = make_jpeg(1);
  auto res = upload(cli, token_for("retailer", retailer_a), image);
  REQUIRE(res);
  CAPTURE(res->body);
  REQUIRE(res->status == 202);
  auto id = json_field(res->body, "/id");
  CHECK(json_field(res->body, "/status") == "PROCESSING");
  CHECK(json_field(res->body, "/statusUrl") == "/api/orders/uploads/" + id);
  CHECK(res->get_header_value("Location") == "/api/orders/uploads/" + id);
  auto key = json_field(res->body, "/imageKey");
  CHECK(std::regex_match(key, std::regex{R"(orders/\d{4}-\d{2}-\d{2}_order_)" + id + R"(\.jpg)"}));
  CHECK(std::regex_match(json_field(res->body, "/createdAt"),
                         std::regex{R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)"}));
  CHECK_FALSE(json_field(res->body, "/imageUrl").empty());

  // The blob holds exactly the uploaded bytes, the row exists.
  CHECK(read_file(srv.storage_root() / key) == image);
  auto row = srv.db().exec("SELECT status::text AS status, retailer_id::text AS r, image_key,"
                           " image_sha256, image_size, image_content_type FROM uploaded_orders"
                           " WHERE id = $1::uuid", db::pg_params(id));
  REQUIRE(row);
  REQUIRE(row->size() == 1);
  CHECK(row->row(0).get<std::string>("status") == "PROCESSING");
  CHECK(row->row(0).get<std::string>("r") == retailer_a);
  CHECK(row->row(0).get<std::string>("image_key") == key);
  CHECK(row->row(0).get<int64_t>("image_size") == static_cast<int64_t>(image.size()));
  CHECK(row->row(0).get<std::string>("image_content_type") == "image/jpeg");

  auto doc = cli.Get(("/api/orders/uploads/" + id).c_str(), bearer(token_for("retailer", retailer_a)));
  REQUIRE(doc);
  CAPTURE(doc->body);
  CHECK(doc->status == 200);
  CHECK(json_field(doc->body, "/id") == id);
  CHECK(json_field(doc->body, "/retailerId") == retailer_a);
  CHECK(json_field(doc->body, "/status") == "PROCESSING");
  CHECK(json_is_null(doc->body, "/extractedText"));
  CHECK(json_is_null(doc->body, "/failureReason"));
  CHECK(json_array_size(doc->body, "/items") == 0);
  CHECK(json_array_size(doc->body, "/rfqs") == 0);
  CHECK(json_array_size(doc->body, "/stages") == 0);
}

TEST_CASE("the format comes from the bytes, not the name or declared type", "[api][postgres]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto token = token_for("retailer", retailer_a);
  auto png = upload(cli, token, make_png(2), "", {}, "", "photo.jpg", "image/jpeg");
  REQUIRE(png);
  CHECK(png->status == 202);
  CHECK(json_field(png->body, "/imageKey").substr(json_field(png->body, "/imageKey").size() - 4) == ".png");
  auto webp = upload(cli, token, make_webp(3), "", {}, "", "photo.png", "image/png");
  REQUIRE(webp);
  CHECK(webp->status == 202);
  auto key = json_field(webp->body, "/imageKey");
  CHECK(key.substr(key.size() - 5) == ".webp");
  auto ct = srv.db().exec("SELECT image_content_type AS t FROM uploaded_orders ORDER BY image_content_type");
  REQUIRE(ct);
  REQUIRE(ct->size() == 2);
  CHECK(ct->row(0).get<std::string>("t") == "image/png");
  CHECK(ct->row(1).get<std::string>("t") == "image/webp");
}

TEST_CASE("files that are not images are refused with 415 and nothing is stored", "[api][postgres]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto token = token_for("retailer", retailer_a);
  auto jpeg = make_jpeg(4);
  auto [name, bytes] = GENERATE_COPY(table<std::string, std::string>({
    {"text claiming to be a JPEG", std::string{"chini 10 kg\ndal 5 kg\n"}},
    {"JPEG magic then garbage", std::string{"\xFF\xD8\xFF\xE0"} + std::string(300, 'x')},
    {"a truncated JPEG", jpeg.substr(0, 20)},
    {"a GIF", std::string{"GIF89a"} + std::string(100, '\0')},
    {"an empty file", std::string{}},
  }));
  CAPTURE(name);
  auto res = upload(cli, token, bytes);
  REQUIRE(res);
  CHECK(res->status == 415);
  CHECK(json_field(res->body, "/error/code") == "unsupported_media_type");
  require_nothing_stored(srv);
}

TEST_CASE("bad tokens get 401 in the error shape and store nothing", "[api][postgres]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto image = make_jpeg(5);
  auth::token_claims stale{"x", "retailer", retailer_a, std::chrono::seconds{60}};
  auto expired = *auth::sign_token(stale, test_jwt_secret,
                                   std::chrono::system_clock::now() - std::chrono::minutes{10});
  auth::token_claims foreign{"x", "retailer", retailer_a, std::chrono::seconds{600}};
  auto wrong_secret = *auth::sign_token(foreign, std::string(48, 'z'), std::chrono::system_clock::now());
  // alg none: a header and payload a naive verifier would accept, no signature.
  std::string none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
                     "eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIiwiZXhwIjo0MTAyNDQ0ODAwfQ.";
  auto [why, header] = GENERATE_COPY(table<std::string, std::string>({
    {"no header", ""},
    {"not bearer", "Basic dXNlcjpwYXNz"},
    {"garbage", "Bearer not-a-token"},
    {"alg none", "Bearer " + none},
    {"expired", "Bearer " + expired},
    {"wrong secret", "Bearer " + wrong_secret},
  }));
  CAPTURE(why);
  httplib::Headers headers;
  if (!header.empty())
    headers.emplace("Authorization", header);
  httplib::MultipartFormDataItems items{{"image", image, "o.jpg", "image/jpeg"}};
  auto res = cli.Post("/api/orders/upload-image", headers, items);
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(json_field(res->body, "/error/code") == "unauthorized");
  CHECK_FALSE(json_field(res->body, "/error/request_id").empty());
  require_nothing_stored(srv);
}

TEST_CASE("malformed forms are refused with 400 and store nothing", "[api][postgres]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto token = token_for("retailer", retailer_a);
  auto image = make_jpeg(6);

  SECTION("no image part") {
    httplib::MultipartFormDataItems items{{"retailerId", retailer_a, "", ""}};
    auto res = cli.Post("/api/orders/upload-image", bearer(token), items);
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json_field(res->body, "/error/code") == "missing_image");
  }
  SECTION("not multipart") {
    auto res = cli.Post("/api/orders/upload-image", bearer(token), R"({"image":"x"})",
                        "application/json");
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json_field(res->body, "/error/code") == "invalid_request");
  }
  SECTION("truncated body") {
    auto body = multipart_body("b0und4ry", {{"image", "o.jpg", "image/jpeg", image}});
    body.resize(body.size() - 30);  // the closing boundary never comes
    raw_connection conn{srv.port()};
    std::string head = "POST /api/orders/upload-image HTTP/1.1\r\nHost: x\r\n"
                       "Authorization: Bearer " + token + "\r\n"
                       "Content-Type: multipart/form-data; boundary=b0und4ry\r\n"
                       "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    conn.send(head + body);
    auto resp = conn.read_response();
    CAPTURE(resp);
    CHECK(status_of_raw(resp) == 400);
    CHECK(resp.find("invalid_request") != std::string::npos);
  }
  SECTION("two image parts") {
    httplib::MultipartFormDataItems items{{"image", image, "a.jpg", "image/jpeg"},
                                          {"image", make_jpeg(7), "b.jpg", "image/jpeg"}};
    auto res = cli.Post("/api/orders/upload-image", bearer(token), items);
    REQUIRE(res);
    CHECK(res->status == 400);
  }
  SECTION("retailerId not a UUID") {
    auto res = upload(cli, token, image, "../../etc/passwd");
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json_field(res->body, "/error/code") == "invalid_retailer_id");
  }
  SECTION("a retailer naming another retailer") {
    auto res = upload(cli, token, image, retailer_b);
    REQUIRE(res);
    CHECK(res->status == 403);
    CHECK(json_field(res->body, "/error/code") == "forbidden");
  }
  SECTION("an operator without retailerId") {
    auto res = upload(cli, token_for("operator"), image);
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json_field(res->body, "/error/code") == "invalid_retailer_id");
  }
  SECTION("a bad Idempotency-Key or allowDuplicate") {
    auto res = upload(cli, token, image, "", {{"Idempotency-Key", std::string(300, 'k')}});
    REQUIRE(res);
    CHECK(res->status == 400);
    auto res2 = upload(cli, token, image, "", {}, "?allowDuplicate=maybe");
    REQUIRE(res2);
    CHECK(res2->status == 400);
  }
  require_nothing_stored(srv);
  // The server is still fine afterwards.
  auto ok = upload(cli, token, image);
  REQUIRE(ok);
  CHECK(ok->status == 202);
}

TEST_CASE("operators upload for a named retailer", "[api][postgres]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto res = upload(cli, token_for("operator"), make_jpeg(8), retailer_b);
  REQUIRE(res);
  CHECK(res->status == 202);
  auto r = srv.db().exec("SELECT retailer_id::text AS r FROM uploaded_orders");
  REQUIRE(r);
  CHECK(r->row(0).get<std::string>("r") == retailer_b);
}

TEST_CASE("an Idempotency-Key returns the first answer and creates nothing new", "[api][postgres]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto token = token_for("retailer", retailer_a);
  auto first = upload(cli, token, make_jpeg(9), "", {{"Idempotency-Key", "order-42"}});
  REQUIRE(first);
  REQUIRE(first->status == 202);
  // A retry, even with other bytes, answers with the first order.
  auto again = upload(cli, token, make_jpeg(10), "", {{"Idempotency-Key", "order-42"}});
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(json_field(again->body, "/id") == json_field(first->body, "/id"));
  CHECK(json_field(again->body, "/imageKey") == json_field(first->body, "/imageKey"));
  CHECK(srv.order_count() == 1);
  CHECK(srv.stored_files().size() == 1);
  // Keys are per retailer.
  auto other = upload(cli, token_for("retailer", retailer_b), make_jpeg(11), "",
                      {{"Idempotency-Key", "order-42"}});
  REQUIRE(other);
  CHECK(other->status == 202);
  CHECK(srv.order_count() == 2);
}

TEST_CASE("the same image again answers with the earlier order unless allowed", "[api][postgres]") {
  khaacho_server srv;
  auto cli = srv.client();
  auto token = token_for("retailer", retailer_a);
  auto image = make_jpeg(12);
  auto first = upload(cli, token, image);
  REQUIRE(first);
  REQUIRE(first->status == 202);
  auto dup = upload(cli, token, image);
  REQUIRE(dup);
  CHECK(dup->status == 200);
  CHECK(json_field(dup->body, "/duplicateOf") == json_field(first->body, "/id"));
  CHECK(srv.order_count() == 1);
  auto allowed = upload(cli, token, image, "", {}, "?allowDuplicate=true");
  REQUIRE(allowed);
  CHECK(allowed->status == 202);
  CHECK(json_field(allowed->body, "/id") != json_field(first->body, "/id"));
  // Another retailer's identical photo is its own order.
  auto other = upload(cli, token_for("retailer", retailer_b), image);
  REQUIRE(other);
  CHECK(other->status == 202);
  CHECK(srv.order_count() == 3);
  CHECK(srv.stored_files().size() == 3);
}

TEST_CASE("a row that cannot be written takes its blob with it", "[api][postgres]") {
  khaacho_server srv;
  REQUIRE(srv.db().exec_script(
    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
    " $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$;"
    "CREATE TRIGGER refuse BEFORE INSERT ON uploaded_orders FOR EACH ROW EXECUTE FUNCTION refuse()"));
  auto cli = srv.client();
  auto res = upload(cli, token_for("retailer", retailer_a), make_jpeg(13));
  REQUIRE(res);
  CHECK(res->status == 500);
  CHECK(json_field(res->body, "/error/code") == "internal");
  // The log line carries the same request id as the answer.
  auto request_id = json_field(res->body, "/error/request_id");
  REQUIRE_FALSE(request_id.empty());
  CHECK(srv.process().out().find(request_id) != std::string::npos);
  // And the message reveals nothing of the database.
  CHECK(res->body.find("refused by test") == std::string::npos);
  require_nothing_stored(srv);
}

TEST_CASE("an image that cannot be stored leaves no row", "[api][postgres]") {
  khaacho_server srv;
  // A regular file where the orders/ folder must go: every put fails.
  { std::ofstream block{srv.storage_root() / "orders"}; block << "x"; }
  auto cli = srv.client();
  auto res = upload(cli, token_for("retailer", retailer_a), make_jpeg(14));
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK(json_field(res->body, "/error/code") == "unavailable");
  CHECK(res->has_header("Retry-After"));
  CHECK(srv.order_count() == 0);
}
