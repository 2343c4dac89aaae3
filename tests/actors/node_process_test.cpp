// Whole nodes as child processes: kill -9 and restart, two nodes on one
// database, SIGTERM during a backoff.
#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

#include "adapters/db/migrator.hpp"
#include "adapters/db/pg_connection.hpp"
#include "common/digest.hpp"
#include "common/errc.hpp"
#include "support/child_process.hpp"
#include "support/test_env.hpp"
#include "support/test_node.hpp"

using namespace khaacho;
using namespace khaacho::test;
using namespace std::chrono_literals;

namespace {

struct node_db {
  scratch_database database;
  db::pg_connection conn;

  node_db() : conn(open()) {
    auto files = db::read_migration_dir(std::string{KHAACHO_SOURCE_DIR} + "/migrations");
    REQUIRE(files);
    REQUIRE(db::migrate(conn, *files));
    REQUIRE(conn.exec(test_stage_effects_ddl));
  }

  db::pg_connection open() {
    auto c = db::pg_connection::open(database.url());
    if (!c)
      throw std::runtime_error(describe(c.error()));
    return std::move(*c);
  }

  void add_orders(int n) {
    auto r = conn.exec("INSERT INTO uploaded_orders (id, retailer_id, image_key, image_url,"
                       " image_content_type, image_size, created_at)"
                       " SELECT gen_random_uuid(), '0b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c11',"
                       " 'orders/x_' || g || '.jpg', 'file:///x', 'image/jpeg', 1,"
                       " now() - (1000 - g) * interval '1 millisecond'"
                       " FROM generate_series(1, $1::int) g",
                       db::pg_params(int64_t{n}));
    REQUIRE(r);
  }

  int64_t scalar(const std::string& sql) {
    auto r = conn.exec(sql);
    if (!r || r->empty())
      return -1;
    return r->row(0).get<int64_t>("n");
  }

  bool wait_all_terminal(std::chrono::seconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      if (scalar("SELECT count(*) AS n FROM uploaded_orders WHERE status = 'PROCESSING'") == 0)
        return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }
};

std::unique_ptr<child_process> start_node(const node_db& d, const std::string& node,
                                          std::map<std::string, std::string> extra = {}) {
  extra["DATABASE_URL"] = d.database.url();
  return start_test_node(node, std::move(extra));
}

}  // namespace

TEST_CASE("a node killed with -9 mid-flight resumes every order after restart",
          "[process][postgres]") {
  node_db d;
  d.add_orders(200);
  auto node = start_node(d, "node-1", {{"KHAACHO_TEST_LATENCY_MS", "15"}});
  // Kill it while orders are spread over the stages.
  while (d.scalar("SELECT count(*) AS n FROM order_stage_checkpoints") < 300)
    std::this_thread::sleep_for(10ms);
  node->signal(SIGKILL);
  node->wait(10s);
  auto done_before = d.scalar("SELECT count(*) AS n FROM uploaded_orders WHERE status <> 'PROCESSING'");
  CHECK(done_before < 200);

  auto again = start_node(d, "node-1", {{"KHAACHO_TEST_LATENCY_MS", "15"}});
  REQUIRE(d.wait_all_terminal(120s));
  CHECK(d.scalar("SELECT count(*) AS n FROM uploaded_orders WHERE status = 'COMPLETED'") == 200);
  // Every order has each stage's checkpoint exactly once.
  CHECK(d.scalar("SELECT count(*) AS n FROM (SELECT order_id FROM order_stage_checkpoints"
                 " GROUP BY order_id HAVING count(*) = 6) x") == 200);
  // Every checkpointed stage ran; only stages cut by the kill ran twice, and
  // at most one stage per order that was in flight (50) at that moment.
  CHECK(d.scalar("SELECT count(*) AS n FROM order_stage_checkpoints k LEFT JOIN test_stage_effects e"
                 " USING (order_id, stage) WHERE e.order_id IS NULL") == 0);
  auto repeated = d.scalar("SELECT count(*) AS n FROM test_stage_effects WHERE invocations > 1");
  CAPTURE(repeated);
  CHECK(repeated <= 50);
  CHECK(d.scalar("SELECT max(invocations) AS n FROM test_stage_effects") <= 2);
  again->signal(SIGTERM);
  CHECK(again->wait(20s) == 0);
}

TEST_CASE("two nodes on one database never process the same order", "[process][postgres]") {
  node_db d;
  d.add_orders(200);
  auto a = start_node(d, "node-a", {{"KHAACHO_TEST_IN_FLIGHT", "20"}});
  auto b = start_node(d, "node-b", {{"KHAACHO_TEST_IN_FLIGHT", "20"}});
  REQUIRE(d.wait_all_terminal(120s));
  CHECK(d.scalar("SELECT count(*) AS n FROM uploaded_orders WHERE status = 'COMPLETED'") == 200);
  CHECK(d.scalar("SELECT count(*) AS n FROM test_stage_effects") == 200 * 6);
  CHECK(d.scalar("SELECT max(invocations) AS n FROM test_stage_effects") == 1);
  // Both took part, and no order's stages were split between them.
  CHECK(d.scalar("SELECT count(DISTINCT node) AS n FROM test_stage_effects") == 2);
  CHECK(d.scalar("SELECT count(*) AS n FROM (SELECT order_id FROM test_stage_effects"
                 " GROUP BY order_id HAVING count(DISTINCT node) > 1) x") == 0);
  a->signal(SIGTERM);
  b->signal(SIGTERM);
  CHECK(a->wait(20s) == 0);
  CHECK(b->wait(20s) == 0);
}

TEST_CASE("SIGTERM during a long backoff exits at once and the order resumes after restart",
          "[process][postgres]") {
  node_db d;
  d.add_orders(1);
  std::map<std::string, std::string> env{{"KHAACHO_TEST_FAIL_STAGE", "extract"},
                                         {"KHAACHO_TEST_BACKOFF_MS", "8000"}};
  auto node = start_node(d, "node-1", env);
  while (d.scalar("SELECT count(*) AS n FROM order_stage_attempts WHERE outcome = 'failed_transient'") < 1)
    std::this_thread::sleep_for(10ms);
  std::this_thread::sleep_for(100ms);
  auto t0 = std::chrono::steady_clock::now();
  node->signal(SIGTERM);
  auto code = node->wait(20s);
  auto took = std::chrono::steady_clock::now() - t0;
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK(took < 3s);  // not the 8 s backoff
  CHECK(node->out().find("NODE STOPPED\n") != std::string::npos);
  CHECK(d.scalar("SELECT count(*) AS n FROM uploaded_orders WHERE owner_node IS NULL"
                 " AND status = 'PROCESSING'") == 1);
  // The restarted node picks it up and finishes it once the backoff is over.
  env["KHAACHO_TEST_FAIL_STAGE"] = "";
  auto again = start_node(d, "node-1", env);
  REQUIRE(d.wait_all_terminal(30s));
  CHECK(d.scalar("SELECT count(*) AS n FROM uploaded_orders WHERE status = 'COMPLETED'") == 1);
  CHECK(d.scalar("SELECT count(*) AS n FROM order_stage_attempts WHERE stage = 'extract'") == 2);
  again->signal(SIGTERM);
  CHECK(again->wait(20s) == 0);
}
