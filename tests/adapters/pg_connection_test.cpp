// Contract of the libpq connection against a real PostgreSQL server.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "adapters/db/pg_connection.hpp"
#include "common/errc.hpp"
#include "support/child_process.hpp"
#include "support/error_checks.hpp"
#include "support/test_env.hpp"

using namespace khaacho;
using namespace khaacho::db;

namespace {

pg_connection connect(const std::string& url, pg_options opts = {}) {
  auto c = pg_connection::open(url, opts);
  if (!c)
    FAIL("cannot connect: " << describe(c.error()));
  return std::move(*c);
}

using test::has_code;

}  // namespace

TEST_CASE("parameters travel as values and rows convert to typed values", "[postgres]") {
  test::scratch_database db;
  auto conn = connect(db.url());
  auto res = conn.exec("SELECT $1::text AS name, $2::bigint AS n, $3::float8 AS x, "
                       "$4::boolean AS flag, $5::text AS missing",
                       pg_params("Robert'); DROP TABLE x;--", int64_t{42}, 2.5, true, std::nullopt));
  REQUIRE(res);
  REQUIRE(res->size() == 1);
  auto row = res->row(0);
  CHECK(row.get<std::string>("name") == "Robert'); DROP TABLE x;--");
  CHECK(row.get<int64_t>("n") == 42);
  CHECK(row.get<double>("x") == Approx(2.5));
  CHECK(row.get<bool>("flag"));
  CHECK(row.is_null("missing"));
  CHECK_FALSE(row.get_optional<std::string>("missing"));
  CHECK_THROWS_WITH(row.get<int64_t>("name"), Catch::Contains("not an integer"));
  CHECK_THROWS_WITH(row.get<std::string>("nope"), Catch::Contains("no such column"));
}

TEST_CASE("Devanagari text round-trips unchanged", "[postgres]") {
  test::scratch_database db;
  auto conn = connect(db.url());
  auto res = conn.exec("SELECT $1::text AS t, length($1::text) AS len", pg_params("चिनी १० केजी"));
  REQUIRE(res);
  CHECK(res->row(0).get<std::string>("t") == "चिनी १० केजी");
  CHECK(res->row(0).get<int64_t>("len") == 12);
}

TEST_CASE("affected rows are reported and transactions are all or nothing", "[postgres]") {
  test::scratch_database db;
  auto conn = connect(db.url());
  REQUIRE(conn.exec_script("CREATE TABLE t (id int PRIMARY KEY, v text)"));
  auto ins = conn.exec("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
  REQUIRE(ins);
  CHECK(ins->affected_rows == 2);
  auto failed = conn.exec_transaction({
    {"INSERT INTO t VALUES ($1, 'c')", pg_params(3)},
    {"INSERT INTO t VALUES ($1, 'dup')", pg_params(1)},
  });
  REQUIRE_FALSE(failed);
  CHECK(has_code(failed.error(), errc::db_query_failed));
  auto count = conn.exec("SELECT count(*) AS n FROM t");
  REQUIRE(count);
  CHECK(count->row(0).get<int64_t>("n") == 2);  // row 3 was rolled back
  auto ok = conn.exec_transaction({{"INSERT INTO t VALUES ($1, 'c')", pg_params(3)},
                                   {"SELECT count(*) AS n FROM t", {}}});
  REQUIRE(ok);
  CHECK(ok->at(1).row(0).get<int64_t>("n") == 3);
}

TEST_CASE("failures are classified: permanent query errors, timeouts, unreachable servers", "[postgres]") {
  test::scratch_database db;
  SECTION("a syntax error is permanent and the connection stays usable") {
    auto conn = connect(db.url());
    auto res = conn.exec("SELEC 1");
    REQUIRE_FALSE(res);
    CHECK(has_code(res.error(), errc::db_query_failed));
    CHECK_FALSE(is_transient(res.error()));
    CHECK(conn.exec("SELECT 1"));
  }
  SECTION("a statement over its deadline is a transient timeout") {
    pg_options opts;
    opts.statement_timeout = std::chrono::milliseconds{200};
    auto conn = connect(db.url(), opts);
    auto res = conn.exec("SELECT pg_sleep(5)");
    REQUIRE_FALSE(res);
    CHECK(has_code(res.error(), errc::timeout));
    CHECK(is_transient(res.error()));
    CHECK(conn.exec("SELECT 1"));
  }
  SECTION("nobody listening is a transient db_unavailable without the password") {
    auto port = test::free_port();
    pg_options opts;
    opts.connect_timeout = std::chrono::milliseconds{1000};
    auto c = pg_connection::open("postgres://khaacho:topsecretpw@127.0.0.1:" + std::to_string(port) + "/x", opts);
    REQUIRE_FALSE(c);
    CHECK(has_code(c.error(), errc::db_unavailable));
    CHECK(is_transient(c.error()));
    CHECK(describe(c.error()).find("topsecretpw") == std::string::npos);
  }
}

TEST_CASE("passwords are removed from connection strings for logs", "[model]") {
  CHECK(redact_url("postgres://khaacho:s3cr3t@127.0.0.1:5432/db") == "postgres://khaacho:***@127.0.0.1:5432/db");
  CHECK(redact_url("host=x password=s3cr3t dbname=y") == "host=x password=*** dbname=y");
  CHECK(redact_url("postgres://khaacho@127.0.0.1/db") == "postgres://khaacho@127.0.0.1/db");
}

TEST_CASE("a connection survives a PostgreSQL restart", "[postgres][restart]") {
  test::scratch_database db;
  auto conn = connect(db.url());
  REQUIRE(conn.exec("SELECT 1"));
  REQUIRE(test::restart_postgres() == 0);
  // The server closed the idle connection; it must notice and reconnect
  // before sending, so the first statement after the restart succeeds.
  auto res = conn.exec("SELECT 2 AS two");
  REQUIRE(res);
  CHECK(res->row(0).get<int64_t>("two") == 2);
}

TEST_CASE("a connection lost inside a transaction is reported, never silently re-opened",
          "[postgres]") {
  test::scratch_database db;
  auto conn = connect(db.url());
  auto admin = connect(db.url());
  REQUIRE(conn.exec("CREATE TABLE t (v int)"));
  auto pid = conn.exec("SELECT pg_backend_pid() AS pid");
  REQUIRE(pid);
  REQUIRE(conn.exec("BEGIN"));
  REQUIRE(conn.exec("INSERT INTO t VALUES (1)"));
  REQUIRE(admin.exec("SELECT pg_terminate_backend($1::int)",
                     pg_params(pid->row(0).get<int64_t>("pid"))));
  // Give the termination notice time to arrive on the socket.
  for (int i = 0; i < 50; ++i) {
    auto alive = admin.exec("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1::int",
                            pg_params(pid->row(0).get<int64_t>("pid")));
    REQUIRE(alive);
    if (alive->row(0).get<int64_t>("n") == 0)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Were it re-opened, this INSERT would commit on its own, outside the
  // transaction the caller believes it is in.
  auto second = conn.exec("INSERT INTO t VALUES (2)");
  REQUIRE_FALSE(second);
  CHECK(has_code(second.error(), errc::db_unavailable));
  // The next statement starts afresh; nothing of the lost transaction stayed.
  auto count = conn.exec("SELECT count(*) AS n FROM t");
  REQUIRE(count);
  CHECK(count->row(0).get<int64_t>("n") == 0);
}
