// The database pool actor against a real PostgreSQL: queries and
// transactions through the gate, queueing beyond the pool size, a worker's
// death, and a server restart.
#include <catch2/catch.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/db_pool.hpp"
#include "support/error_checks.hpp"
#include "support/test_env.hpp"

using namespace khaacho;
using namespace std::chrono_literals;

namespace {

struct pool_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg.set("logger.verbosity", caf::atom("quiet"))};
  test::scratch_database db;
  db_pool_actor pool;

  explicit pool_fixture(int64_t size = 2) {
    pool = sys.spawn(db_pool, db_pool_config{db.url(), size, db::pg_options{}});
  }
  ~pool_fixture() { caf::anon_send_exit(pool, caf::exit_reason::user_shutdown); }

  caf::expected<db::pg_result> query(std::string sql, std::vector<db::pg_value> params = {}) {
    caf::scoped_actor self{sys};
    caf::expected<db::pg_result> out{caf::sec::request_timeout};
    self->request(pool, 30s, query_atom::value, db::pg_statement{std::move(sql), std::move(params)})
      .receive([&](db::pg_result& r) { out = std::move(r); },
               [&](caf::error& e) { out = std::move(e); });
    return out;
  }

  db_pool_stats stats() {
    caf::scoped_actor self{sys};
    db_pool_stats out;
    self->request(pool, 10s, stats_atom::value)
      .receive([&](db_pool_stats& s) { out = s; }, [&](caf::error&) {});
    return out;
  }
};

}  // namespace

TEST_CASE("the pool answers queries and transactions", "[postgres][actors]") {
  pool_fixture f;
  auto r = f.query("SELECT $1::int + 1 AS n", db::pg_params(41));
  REQUIRE(r);
  CHECK(r->row(0).get<int64_t>("n") == 42);
  caf::scoped_actor self{f.sys};
  std::vector<db::pg_statement> tx{{"CREATE TABLE t (id int)", {}},
                                   {"INSERT INTO t VALUES (1), (2)", {}},
                                   {"SELECT count(*) AS n FROM t", {}}};
  bool done = false;
  self->request(f.pool, 30s, transact_atom::value, tx)
    .receive([&](std::vector<db::pg_result>& rs) {
               REQUIRE(rs.size() == 3);
               CHECK(rs[2].row(0).get<int64_t>("n") == 2);
               done = true;
             },
             [&](caf::error& e) { FAIL(describe(e)); });
  CHECK(done);
}

TEST_CASE("query errors come back to the caller without harming the pool", "[postgres][actors]") {
  pool_fixture f;
  auto bad = f.query("SELECT * FROM no_such_table");
  REQUIRE_FALSE(bad);
  CHECK(test::has_code(bad.error(), errc::db_query_failed));
  auto good = f.query("SELECT 1 AS one");
  REQUIRE(good);
  auto s = f.stats();
  CHECK(s.served == 2);
  CHECK(s.failed == 1);
  CHECK(s.size == 2);
}

TEST_CASE("more requests than connections queue in the gate and all complete", "[postgres][actors]") {
  pool_fixture f{2};
  caf::scoped_actor self{f.sys};
  constexpr int n = 8;
  for (int i = 0; i < n; ++i)
    self->send(f.pool, query_atom::value,
               db::pg_statement{"SELECT pg_sleep(0.2), $1::int AS i", db::pg_params(i)});
  int answered = 0;
  self->receive_for(answered, n)(
    [&](db::pg_result& r) { CHECK(r.size() == 1); },
    [&](caf::error& e) { FAIL(describe(e)); },
    caf::after(std::chrono::seconds{30}) >> [&] { FAIL("pool did not answer"); });
  auto s = f.stats();
  CHECK(s.served == n);
  CHECK(s.failed == 0);
  CHECK(s.wait_us_max > 100'000);  // later requests waited for a free connection
}

TEST_CASE("the pool survives a PostgreSQL restart and an outage", "[postgres][actors][restart]") {
  pool_fixture f{2};
  REQUIRE(f.query("SELECT 1"));
  REQUIRE(test::restart_postgres() == 0);
  // Idle connections that the restart closed are re-opened before use.
  auto after_restart = f.query("SELECT 2 AS two");
  REQUIRE(after_restart);
  CHECK(after_restart->row(0).get<int64_t>("two") == 2);

  REQUIRE(test::stop_postgres() == 0);
  // Whatever fails below, later tests need the server back.
  struct restart_guard {
    bool armed = true;
    ~restart_guard() { if (armed) test::start_postgres(); }
  } guard;
  auto during = f.query("SELECT 3");
  REQUIRE_FALSE(during);
  CHECK(test::has_code(during.error(), errc::db_unavailable));
  CHECK(is_transient(during.error()));
  guard.armed = false;
  REQUIRE(test::start_postgres() == 0);
  auto back = f.query("SELECT 4 AS four");
  REQUIRE(back);
  CHECK(back->row(0).get<int64_t>("four") == 4);
}
