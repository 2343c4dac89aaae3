// The real binary end to end: serve on a loopback port, health and readiness,
// refusal on an out-of-date schema, configuration errors, clean shutdown (idle,
// and with stages and an upload in flight; an upload that never finishes is
// cut off at half the grace).
#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

#include <httplib.h>

#include "adapters/db/pg_connection.hpp"
#include "api/api_test_support.hpp"
#include "support/child_process.hpp"
#include "support/fake_openai_server.hpp"
#include "support/raw_http.hpp"
#include "support/sourcing_catalog.hpp"
#include "support/test_env.hpp"

using namespace khaacho;
using namespace std::chrono_literals;

namespace {

const std::string jwt_secret(48, 's');

std::map<std::string, std::string> serve_env(const std::string& db_url) {
  return {{"DATABASE_URL", db_url}, {"JWT_SECRET", jwt_secret}};
}

/// Polls GET path until it answers `status` or the deadline passes.
httplib::Result wait_for(httplib::Client& cli, const char* path, int status,
                         std::chrono::seconds deadline = 30s) {
  auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    auto res = cli.Get(path);
    if ((res && res->status == status) || std::chrono::steady_clock::now() > until)
      return res;
    std::this_thread::sleep_for(100ms);
  }
}

int status_of(const httplib::Result& res) {
  return res ? res->status : -1;
}

/// The request line and headers of an image upload whose multipart body of
/// `body_size` bytes the test sends by hand (in pieces, or never whole).
std::string upload_head(const std::string& token, const std::string& boundary, size_t body_size) {
  return "POST /api/orders/upload-image HTTP/1.1\r\nHost: 127.0.0.1\r\n"
         "Authorization: Bearer " + token + "\r\n"
         "Content-Type: multipart/form-data; boundary=" + boundary + "\r\n"
         "Content-Length: " + std::to_string(body_size) + "\r\n\r\n";
}

}  // namespace

TEST_CASE("serve migrates on request, becomes ready, and stops on SIGTERM", "[e2e][postgres]") {
  test::scratch_database db;
  auto port = test::free_port();
  test::child_process srv{{test::khaacho_binary(), "serve", "--migrate",
                           "--http.host=127.0.0.1", "--http.port=" + std::to_string(port)},
                          serve_env(db.url())};
  httplib::Client cli{"127.0.0.1", port};
  cli.set_connection_timeout(2s);
  auto ready = wait_for(cli, "/readyz", 200);
  CAPTURE(srv.out(), srv.err());
  REQUIRE(ready);
  REQUIRE(ready->status == 200);
  CHECK(ready->get_header_value("Content-Type") == "application/json");
  CHECK(ready->body.find(R"("database":true)") != std::string::npos);
  CHECK(ready->body.find(R"("schema":true)") != std::string::npos);

  auto health = cli.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);

  auto missing = cli.Get("/no/such/path");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(missing->body.find(R"("error":{"code":"not_found")") != std::string::npos);

  // Logs are JSON lines in the Cloud Logging shape, without the secret.
  auto out = srv.out();
  CHECK(out.find(R"("severity":"INFO","message":"listening")") != std::string::npos);
  CHECK(out.find(jwt_secret) == std::string::npos);

  srv.signal(SIGTERM);
  auto code = srv.wait(30s);
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK(srv.out().find(R"("message":"stopped")") != std::string::npos);
}

TEST_CASE("readiness turns 503 while the database is away and recovers", "[e2e][postgres][restart]") {
  test::scratch_database db;
  auto port = test::free_port();
  test::child_process srv{{test::khaacho_binary(), "serve", "--migrate",
                           "--http.host=127.0.0.1", "--http.port=" + std::to_string(port)},
                          serve_env(db.url())};
  httplib::Client cli{"127.0.0.1", port};
  cli.set_connection_timeout(2s);
  cli.set_read_timeout(10s);
  REQUIRE(status_of(wait_for(cli, "/readyz", 200)) == 200);
  REQUIRE(test::stop_postgres() == 0);
  struct restart_guard {
    bool armed = true;
    ~restart_guard() { if (armed) test::start_postgres(); }
  } guard;
  auto down = wait_for(cli, "/readyz", 503, 15s);
  REQUIRE(down);
  CHECK(down->status == 503);
  CHECK(down->body.find(R"("database":false)") != std::string::npos);
  CHECK(down->body.find(R"("error":{"code":"not_ready")") != std::string::npos);
  CHECK(status_of(cli.Get("/healthz")) == 200);  // alive, just not ready
  guard.armed = false;
  REQUIRE(test::start_postgres() == 0);
  auto up = wait_for(cli, "/readyz", 200, 30s);
  REQUIRE(up);
  CHECK(up->status == 200);
}

TEST_CASE("serve refuses an out-of-date schema unless told to migrate", "[e2e][postgres]") {
  test::scratch_database db;
  auto r = test::run_program({test::khaacho_binary(), "serve", "--http.port=0"}, serve_env(db.url()), 30s);
  CAPTURE(r.out, r.err);
  CHECK(r.code == 1);
  CHECK(r.out.find("migrations pending") != std::string::npos);
  CHECK(r.out.find("khaacho migrate") != std::string::npos);
}

TEST_CASE("migrate then serve without --migrate is ready", "[e2e][postgres]") {
  test::scratch_database db;
  auto m = test::run_program({test::khaacho_binary(), "migrate"}, serve_env(db.url()), 60s);
  CAPTURE(m.out, m.err);
  REQUIRE(m.code == 0);
  auto again = test::run_program({test::khaacho_binary(), "migrate"}, serve_env(db.url()), 60s);
  CHECK(again.code == 0);
  CHECK(again.out.find("(0 applied now)") != std::string::npos);
  auto check = test::run_program({test::khaacho_binary(), "migrate", "--check"}, serve_env(db.url()), 60s);
  CHECK(check.code == 0);
  CHECK(check.out.find("0 pending") != std::string::npos);
}

TEST_CASE("configuration errors stop the start and name the key", "[e2e]") {
  auto [args, env, needle] = GENERATE(table<std::vector<std::string>, std::map<std::string, std::string>, std::string>({
    {{"serve", "--http.port=abc"}, {}, "'http.port'"},
    {{"serve", "--http.prot=1"}, {}, "'http.prot'"},
    {{"serve"}, {{"PORT", "99999"}}, "'http.port'"},
    {{"serve"}, {{"LOG_LEVEL", "loud"}}, "'log.level'"},
    {{"migrate", "--database.pool-size=0"}, {}, "'database.pool-size'"},
    {{"serve", "--config", "/nonexistent.conf"}, {}, "/nonexistent.conf"},
  }));
  std::vector<std::string> argv{test::khaacho_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = test::run_program(argv, env, 30s);
  CAPTURE(args, r.err);
  CHECK(r.code == 2);
  CHECK(r.err.find(needle) != std::string::npos);
}

TEST_CASE("commands that need the database say which key is missing", "[e2e]") {
  auto r = test::run_program({test::khaacho_binary(), "migrate"}, {{"DATABASE_URL", ""}}, 30s);
  CHECK(r.code != 0);
  CHECK(r.err.find("'database.url'") != std::string::npos);
}

TEST_CASE("token prints a signed HS256 token and refuses bad requests", "[e2e]") {
  std::map<std::string, std::string> env{{"JWT_SECRET", jwt_secret}};
  auto ok = test::run_program({test::khaacho_binary(), "token", "--role", "retailer", "--retailer",
                               "0b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c11", "--ttl", "60"}, env, 30s);
  CAPTURE(ok.err);
  REQUIRE(ok.code == 0);
  // header.payload.signature, base64url, HS256 header.
  auto dot1 = ok.out.find('.');
  auto dot2 = ok.out.find('.', dot1 + 1);
  REQUIRE(dot1 != std::string::npos);
  REQUIRE(dot2 != std::string::npos);
  CHECK(ok.out.substr(0, dot1).find("eyJ") == 0);
  auto bad_role = test::run_program({test::khaacho_binary(), "token", "--role", "root"}, env, 30s);
  CHECK(bad_role.code == 2);
  CHECK(bad_role.err.find("role") != std::string::npos);
  auto no_retailer = test::run_program({test::khaacho_binary(), "token", "--role", "retailer"}, env, 30s);
  CHECK(no_retailer.code == 2);
  auto no_secret = test::run_program({test::khaacho_binary(), "token", "--role", "admin"}, {{"JWT_SECRET", ""}}, 30s);
  CHECK(no_secret.code == 2);
  CHECK(no_secret.err.find("'auth.jwt-secret'") != std::string::npos);
}

TEST_CASE("version and help flags answer without a database", "[e2e]") {
  auto v = test::run_program({test::khaacho_binary(), "--version"}, {}, 10s);
  CHECK(v.code == 0);
  CHECK(v.out.find("khaacho ") == 0);
  auto h = test::run_program({test::khaacho_binary(), "migrate", "--help"}, {}, 10s);
  CHECK(h.code == 0);
  CHECK(h.out.find("import-catalog DIR") != std::string::npos);
  CHECK(h.out.find("--database.pool-size=") != std::string::npos);
}

TEST_CASE("serve waits a bounded time for an absent database, then fails clearly", "[e2e]") {
  auto dead = "postgres://khaacho:pw-not-logged@127.0.0.1:" + std::to_string(test::free_port()) + "/x";
  auto r = test::run_program({test::khaacho_binary(), "serve", "--database.startup-wait=2s",
                              "--database.connect-timeout=1s"},
                             serve_env(dead), 30s);
  CAPTURE(r.out, r.err);
  CHECK(r.code == 1);
  CHECK(r.out.find(R"("message":"waiting for the database")") != std::string::npos);
  CHECK(r.out.find(R"("message":"cannot start")") != std::string::npos);
  CHECK(r.out.find("pw-not-logged") == std::string::npos);
}

TEST_CASE("readiness reports an unmigrated database as a schema problem", "[e2e][postgres]") {
  test::scratch_database db;
  auto port = test::free_port();
  // Migrate, then drop the history behind the running server's back.
  REQUIRE(test::run_program({test::khaacho_binary(), "migrate"}, serve_env(db.url()), 60s).code == 0);
  test::child_process srv{{test::khaacho_binary(), "serve", "--http.host=127.0.0.1",
                           "--http.port=" + std::to_string(port)},
                          serve_env(db.url())};
  httplib::Client cli{"127.0.0.1", port};
  REQUIRE(status_of(wait_for(cli, "/readyz", 200)) == 200);
  auto admin = test::run_program({"/usr/bin/psql", db.url(), "-qc", "DROP TABLE schema_migrations"}, {}, 30s);
  REQUIRE(admin.code == 0);
  auto res = cli.Get("/readyz");
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK(res->body.find(R"("database":true,"schema":false)") != std::string::npos);
}

TEST_CASE("import-catalog wants a current schema, then imports the demo catalog idempotently",
          "[e2e][postgres]") {
  test::scratch_database db;
  const std::string demo = std::string{KHAACHO_SOURCE_DIR} + "/data/catalog";
  auto early = test::run_program({test::khaacho_binary(), "import-catalog", demo}, serve_env(db.url()), 60s);
  CAPTURE(early.out, early.err);
  CHECK(early.code == 3);
  CHECK(early.err.find("khaacho migrate") != std::string::npos);

  REQUIRE(test::run_program({test::khaacho_binary(), "migrate"}, serve_env(db.url()), 60s).code == 0);
  auto first = test::run_program({test::khaacho_binary(), "import-catalog", demo}, serve_env(db.url()), 60s);
  CAPTURE(first.out, first.err);
  REQUIRE(first.code == 0);
  auto second = test::run_program({test::khaacho_binary(), "import-catalog", demo}, serve_env(db.url()), 60s);
  REQUIRE(second.code == 0);
  auto conn = db::pg_connection::open(db.url());
  REQUIRE(conn);
  auto n = conn->exec("SELECT count(*) AS n FROM products");
  REQUIRE(n);
  CHECK(n->row(0).get<int64_t>("n") > 100);

  auto missing = test::run_program({test::khaacho_binary(), "import-catalog", "/nonexistent-folder"},
                                   serve_env(db.url()), 60s);
  CHECK(missing.code == 2);
  CHECK(missing.err.find("/nonexistent-folder") != std::string::npos);
}

TEST_CASE("SIGTERM while orders are processed and an upload is arriving: stages finish, the upload "
          "is answered, every lease is released, exit 0 within the grace",
          "[e2e][postgres][ocr][pipeline][shutdown]") {
  using namespace khaacho::test;
  // Extraction by a loopback "LLM" that takes 4 s per call, so orders are
  // inside a running stage attempt when the signal comes.
  constexpr auto llm_delay = 4s;
  constexpr auto grace = 15s;
  fake_openai_server llm;
  for (int i = 0; i < 8; ++i) {
    auto reply = openai_reply::content(R"({"items":[{"name":"chini","quantity":10,"unit":"kg","line":"chini 10 kg"}]})");
    reply.delay = llm_delay;
    llm.script(reply);
  }
  khaacho_server srv{{"--pipeline.enabled=true", "--normalize.catalog-poll=100ms",
                      "--extract.backend=openai", "--node.id=shutdown-node",
                      "--node.shutdown-grace=" + std::to_string(grace.count()) + "s"},
                     {{"OPENAI_BASE_URL", llm.base_url() + "/"}, {"OPENAI_API_KEY", "sk-test-shutdown"}}};
  sourcing::seed(srv.db());
  auto token = token_for("retailer", retailer_a);
  auto cli = srv.client();
  for (const auto* line : {"1. chini 10 kg", "2. chini 5 kg", "3. chini 2 kg"}) {
    auto res = upload(cli, token, render_text_page({line}), "", {}, "", "o.png", "image/png");
    REQUIRE(res);
    REQUIRE(res->status == 202);
  }
  auto until = std::chrono::steady_clock::now() + 60s;
  while (llm.requests().empty() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(20ms);
  CAPTURE(srv.process().out());
  REQUIRE(!llm.requests().empty());

  // An upload whose body is half sent when the signal arrives.
  const std::string boundary = "sh0tdownb0undary";
  auto body = multipart_body(boundary, {{"image", "late.png", "image/png",
                                         render_text_page({"4. chini 1 kg"})}});
  std::string head = upload_head(token, boundary, body.size());
  raw_connection late{srv.port()};
  REQUIRE(late.send(head + body.substr(0, body.size() / 2)) == head.size() + body.size() / 2);
  std::this_thread::sleep_for(300ms);  // the server is reading it

  auto& proc = srv.process();
  auto signalled = std::chrono::steady_clock::now();
  proc.signal(SIGTERM);
  std::this_thread::sleep_for(1s);
  // Stopping: still running (the upload and the LLM calls are in flight),
  // and no longer accepting connections.
  REQUIRE_FALSE(proc.wait(0ms));
  {
    httplib::Client fresh{"127.0.0.1", srv.port()};
    fresh.set_connection_timeout(1s);
    CHECK_FALSE(fresh.Get("/healthz"));
  }
  // The rest of the body still gets its full answer.
  REQUIRE(late.send(body.substr(body.size() / 2)) == body.size() - body.size() / 2);
  auto answer = late.read_response(15s);
  CAPTURE(answer);
  CHECK(status_of_raw(answer) == 202);
  CHECK(answer.find(R"("status":"PROCESSING")") != std::string::npos);

  auto code = proc.wait(grace + 10s);
  auto took = std::chrono::steady_clock::now() - signalled;
  auto out = proc.out();
  CAPTURE(out, proc.err());
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK(took < grace);
  // It waited for the running LLM calls (without them it would be gone as
  // soon as the late upload was answered, about a second after the signal).
  CHECK(took >= llm_delay / 2);
  CHECK(out.find(R"("message":"leases released")") != std::string::npos);
  CHECK(out.find(R"("message":"stopped")") != std::string::npos);
  CHECK(out.find("still running after the shutdown grace") == std::string::npos);

  auto& db = srv.db();
  // Five orders at most: the three, the late one; none keeps a lease.
  auto orders = db.exec("SELECT count(*) AS n, count(*) FILTER (WHERE owner_node IS NOT NULL"
                        " OR lease_expires_at IS NOT NULL) AS leased FROM uploaded_orders");
  REQUIRE(orders);
  CHECK(orders->row(0).get<int64_t>("n") == 4);
  CHECK(orders->row(0).get<int64_t>("leased") == 0);
  // Every LLM call that started finished as a succeeded, checkpointed
  // extract attempt: none was cut off, none is left running.
  auto calls = static_cast<int64_t>(llm.requests().size());
  auto attempts = db.exec(
    "SELECT count(*) FILTER (WHERE stage = 'extract' AND outcome = 'succeeded') AS extracted,"
    "       count(*) FILTER (WHERE outcome = 'running') AS running"
    " FROM order_stage_attempts");
  REQUIRE(attempts);
  CHECK(attempts->row(0).get<int64_t>("extracted") == calls);
  CHECK(attempts->row(0).get<int64_t>("running") == 0);
  auto checkpoints = db.exec("SELECT count(*) AS n FROM uploaded_orders WHERE parsed_data IS NOT NULL");
  REQUIRE(checkpoints);
  CHECK(checkpoints->row(0).get<int64_t>("n") == calls);
  // The registry stopped claiming at the signal, before the HTTP drain: the
  // order accepted during the drain waits, unowned, for the next node.
  auto id_at = answer.find(R"("id":")");
  REQUIRE(id_at != std::string::npos);
  auto late_id = answer.substr(id_at + 6, 36);
  auto late_attempts = db.exec("SELECT count(*) AS n FROM order_stage_attempts WHERE order_id = $1::uuid",
                               db::pg_params(late_id));
  REQUIRE(late_attempts);
  CHECK(late_attempts->row(0).get<int64_t>("n") == 0);
}

TEST_CASE("SIGTERM with an upload that never finishes: the drain is bounded, the upload is "
          "answered 503, nothing is stored, exit 0 within the grace",
          "[e2e][postgres][shutdown]") {
  using namespace khaacho::test;
  // The client trickles a byte every 250 ms: never silent long enough for
  // http.read-timeout, and far from done before http.upload-deadline (60 s),
  // which alone bounded the drain before.
  constexpr auto grace = 4s;
  khaacho_server srv{{"--node.shutdown-grace=" + std::to_string(grace.count()) + "s"}};
  auto token = token_for("retailer", retailer_a);
  const std::string boundary = "sl0wb0undary";
  auto body = multipart_body(boundary, {{"image", "slow.png", "image/png",
                                         render_text_page({"1. chini 1 kg"})}});
  std::string head = upload_head(token, boundary, body.size());
  raw_connection slow{srv.port()};
  size_t sent = body.size() / 3;
  REQUIRE(slow.send(head + body.substr(0, sent)) == head.size() + sent);
  std::this_thread::sleep_for(300ms);  // the handler is reading the body

  auto& proc = srv.process();
  auto signalled = std::chrono::steady_clock::now();
  proc.signal(SIGTERM);
  std::string answer;
  while (std::chrono::steady_clock::now() - signalled < grace + 5s && sent < body.size()) {
    auto part = slow.read_response(250ms);
    if (!part.empty()) {
      answer = part + slow.read_response(3s);
      break;
    }
    if (slow.send(body.substr(sent, 1), 1s) != 1)
      break;
    ++sent;
  }
  CAPTURE(answer, sent, body.size());
  REQUIRE(sent < body.size());  // the body never completed
  CHECK(status_of_raw(answer) == 503);
  CHECK(answer.find(R"("code":"unavailable")") != std::string::npos);
  CHECK(answer.find("Retry-After: ") != std::string::npos);

  auto code = proc.wait(grace + 5s);
  auto took = std::chrono::steady_clock::now() - signalled;
  auto out = proc.out();
  CAPTURE(out, proc.err());
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK(took < grace);
  // Half the grace for the drain, then the cut: not sooner.
  CHECK(took >= grace / 2 - 200ms);
  CHECK(out.find("HTTP drain ran out of time") != std::string::npos);
  CHECK(out.find(R"("message":"stopped")") != std::string::npos);
  // Nothing half stored: no row, no file (finished or temporary).
  CHECK(srv.order_count() == 0);
  CHECK(srv.stored_files().empty());
}
