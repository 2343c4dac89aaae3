// Cluster mode with whole nodes as child processes: one PostgreSQL, a private
// redis-server per test (so it can be stopped), test stages whose every call
// counts itself in test_stage_effects. Orders are uploaded to one node, which
// hands them to the stream exactly as serve's upload path does.
#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

#include <unistd.h>

#include "adapters/db/migrator.hpp"
#include "adapters/db/pg_connection.hpp"
#include "adapters/redis/order_stream.hpp"
#include "common/errc.hpp"
#include "model/node_heartbeat.hpp"
#include "support/child_process.hpp"
#include "support/redis_server.hpp"
#include "support/test_env.hpp"
#include "support/test_node.hpp"

using namespace khaacho;
using namespace khaacho::test;
using namespace std::chrono_literals;

namespace {

struct cluster_db {
  scratch_database database;
  db::pg_connection conn;

  cluster_db() : conn(open()) {
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

  int64_t scalar(const std::string& sql) {
    auto r = conn.exec(sql);
    if (!r || r->empty())
      return -1;
    return r->row(0).get<int64_t>("n");
  }

  int64_t terminal() {
    return scalar("SELECT count(*) AS n FROM uploaded_orders WHERE status <> 'PROCESSING'");
  }

  bool wait_all_terminal(int64_t orders, std::chrono::seconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      if (scalar("SELECT count(*) AS n FROM uploaded_orders") == orders && terminal() == orders)
        return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  /// Orders whose stages ran on `node` (the node of each effect's first call).
  int64_t share(const std::string& node) {
    auto r = conn.exec("SELECT count(DISTINCT order_id) AS n FROM test_stage_effects WHERE node = $1",
                       db::pg_params(node));
    return r && !r->empty() ? r->row(0).get<int64_t>("n") : -1;
  }

  /// Every order COMPLETED, with each of its six stages checkpointed once
  /// and backed by a recorded stage call.
  void check_all_completed_once(int64_t orders) {
    CHECK(scalar("SELECT count(*) AS n FROM uploaded_orders WHERE status = 'COMPLETED'") == orders);
    CHECK(scalar("SELECT count(*) AS n FROM (SELECT order_id FROM order_stage_checkpoints"
                 " GROUP BY order_id HAVING count(*) = 6) x") == orders);
    CHECK(scalar("SELECT count(*) AS n FROM order_stage_checkpoints k LEFT JOIN test_stage_effects e"
                 " USING (order_id, stage) WHERE e.order_id IS NULL") == 0);
  }
};

using node_env = std::map<std::string, std::string>;

std::unique_ptr<child_process> start_node(const cluster_db& d, const redis_server& redis,
                                          const std::string& node, node_env extra = {}) {
  extra["DATABASE_URL"] = d.database.url();
  extra["REDIS_URL"] = redis.url();
  extra.emplace("KHAACHO_TEST_LEASE_S", "3");
  extra.emplace("KHAACHO_TEST_WORKERS", "3");  // 3 nodes × 22 connections
  return start_test_node(node, std::move(extra));
}

/// Pending entries of the group (XPENDING summary's count).
int64_t pending(redis_server& redis) {
  auto r = redis.command({"XPENDING", "khaacho:orders", "khaacho"});
  return r.elements.empty() ? -1 : r.elements[0].integer;
}

bool wait_for(std::function<bool()> cond, std::chrono::seconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (cond())
      return true;
    std::this_thread::sleep_for(100ms);
  }
  return cond();
}

void stop_all(std::vector<std::unique_ptr<child_process>*> nodes) {
  for (auto* n : nodes)
    (*n)->signal(SIGTERM);
  for (auto* n : nodes)
    CHECK((*n)->wait(20s) == 0);
}

}  // namespace

TEST_CASE("three nodes share 600 orders uploaded to one, each done exactly once",
          "[process][postgres][redis]") {
  cluster_db d;
  redis_server redis;
  node_env env{{"KHAACHO_TEST_IN_FLIGHT", "20"}, {"KHAACHO_TEST_LATENCY_MS", "5"}};
  auto b = start_node(d, redis, "node-b", env);
  auto c = start_node(d, redis, "node-c", env);
  env["KHAACHO_TEST_UPLOADS"] = "600";
  auto a = start_node(d, redis, "node-a", env);
  bool done = d.wait_all_terminal(600, 60s);
  if (!done) {
    auto r = d.conn.exec("SELECT status || ' ' || COALESCE(owner_node, '-') || ' ' || count(*) AS s"
                         " FROM uploaded_orders GROUP BY status, owner_node");
    for (size_t i = 0; r && i < r->size(); ++i)
      WARN(r->row(i).get<std::string>("s"));
    WARN("pending " << pending(redis) << " xlen " << redis.command({"XLEN", "khaacho:orders"}).integer);
    WARN(a->out() << a->err() << b->err() << c->err());
  }
  REQUIRE(done);
  d.check_all_completed_once(600);
  CHECK(d.scalar("SELECT count(*) AS n FROM test_stage_effects") == 600 * 6);
  CHECK(d.scalar("SELECT max(invocations) AS n FROM test_stage_effects") == 1);
  // The nodes that received no upload got theirs through the stream.
  auto sa = d.share("node-a"), sb = d.share("node-b"), sc = d.share("node-c");
  CAPTURE(sa, sb, sc);
  CHECK(sa + sb + sc == 600);
  CHECK(sb >= 60);
  CHECK(sc >= 60);
  CHECK(sa >= 60);
  // Every entry was acknowledged once its order finished.
  CHECK(wait_for([&] { return pending(redis) == 0; }, 10s));
  CHECK(redis.command({"XLEN", "khaacho:orders"}).integer == 600);
  // Each node keeps a heartbeat with its capacity.
  model::redis_endpoint endpoint;
  endpoint.port = redis.port();
  redis::order_stream reader{endpoint, {}, "test-reader"};
  auto beats = reader.heartbeats();
  REQUIRE(beats);
  std::set<std::string> nodes;
  for (const auto& v : *beats) {
    auto hb = model::decode_heartbeat(v);
    REQUIRE(hb);
    CHECK(hb->capacity == 20);
    nodes.insert(hb->node);
  }
  CHECK(nodes == std::set<std::string>{"node-a", "node-b", "node-c"});
  // Redis commands per order: XADD, XREADGROUP (batched), XACK, plus the
  // heartbeats and reclaim scans of a few seconds.
  auto per_order = static_cast<double>(redis.command_calls("xadd") + redis.command_calls("xreadgroup")
                                       + redis.command_calls("xack") + redis.command_calls("xautoclaim"))
                   / 600.0;
  CAPTURE(per_order);
  CHECK(per_order <= 4.0);
  stop_all({&a, &b, &c});
  // A node that stopped cleanly deletes its heartbeat.
  auto after = reader.heartbeats();
  REQUIRE(after);
  CHECK(after->empty());
}

TEST_CASE("a node killed with -9 mid-run: its orders are taken over, none lost or done twice",
          "[process][postgres][redis]") {
  cluster_db d;
  redis_server redis;
  node_env env{{"KHAACHO_TEST_IN_FLIGHT", "20"}, {"KHAACHO_TEST_LATENCY_MS", "25"}};
  auto b = start_node(d, redis, "node-b", env);
  auto c = start_node(d, redis, "node-c", env);
  env["KHAACHO_TEST_UPLOADS"] = "600";
  auto a = start_node(d, redis, "node-a", env);
  REQUIRE(wait_for([&] { return d.scalar("SELECT count(*) AS n FROM order_stage_checkpoints") >= 600; },
                   60s));
  b->signal(SIGKILL);
  b->wait(10s);
  auto b_owned = d.scalar("SELECT count(*) AS n FROM uploaded_orders WHERE owner_node = 'node-b'"
                          " AND status = 'PROCESSING'");
  CAPTURE(b_owned);
  CHECK(b_owned > 0);  // it died holding orders
  REQUIRE(d.wait_all_terminal(600, 90s));
  d.check_all_completed_once(600);
  // Only a stage cut by the kill ran twice: at most one per order node-b held.
  auto repeated = d.scalar("SELECT count(*) AS n FROM test_stage_effects WHERE invocations > 1");
  CAPTURE(repeated);
  CHECK(repeated <= 20);
  CHECK(d.scalar("SELECT max(invocations) AS n FROM test_stage_effects") <= 2);
  // node-b's orders were finished by the others.
  CHECK(d.scalar("SELECT count(*) AS n FROM order_stage_attempts WHERE node = 'node-b'") > 0);
  CHECK(d.scalar("SELECT count(*) AS n FROM uploaded_orders o WHERE EXISTS (SELECT 1 FROM"
                 " order_stage_attempts a WHERE a.order_id = o.id AND a.node = 'node-b')"
                 " AND EXISTS (SELECT 1 FROM order_stage_attempts a WHERE a.order_id = o.id"
                 " AND a.node <> 'node-b')") > 0);
  // Its pending entries were reclaimed (XAUTOCLAIM) and acknowledged.
  CHECK(wait_for([&] { return pending(redis) == 0; }, 20s));
  CHECK(redis.command_calls("xautoclaim") > 0);
  stop_all({&a, &c});
}

TEST_CASE("redis-server stopped and started mid-run: processing goes on, nothing lost or repeated",
          "[process][postgres][redis]") {
  cluster_db d;
  redis_server redis;
  node_env env{{"KHAACHO_TEST_IN_FLIGHT", "20"}, {"KHAACHO_TEST_LATENCY_MS", "5"}};
  auto b = start_node(d, redis, "node-b", env);
  auto c = start_node(d, redis, "node-c", env);
  env["KHAACHO_TEST_UPLOADS"] = "600";
  env["KHAACHO_TEST_UPLOAD_EVERY_MS"] = "6";
  auto a = start_node(d, redis, "node-a", env);
  // The outage starts and ends by the uploads, not by how fast the nodes
  // work: a loaded machine once reached 100 finished orders so late that
  // every upload was in before Redis came back, and nothing was left to
  // show that distribution resumed.
  auto uploaded = [&] { return d.scalar("SELECT count(*) AS n FROM uploaded_orders"); };
  REQUIRE(wait_for([&] { return uploaded() >= 100 && d.terminal() >= 20; }, 60s));
  redis.stop();
  auto at_stop = d.terminal();
  std::this_thread::sleep_for(2s);
  auto during = d.terminal();
  auto uploaded_during = uploaded();
  CAPTURE(at_stop, during, uploaded_during);
  CHECK(during > at_stop);  // the nodes kept processing without Redis
  REQUIRE(uploaded_during < 500);  // uploads go on after the restart
  redis.start();  // empty: the stream and group are made again
  REQUIRE(d.wait_all_terminal(600, 90s));
  d.check_all_completed_once(600);
  CHECK(d.scalar("SELECT count(*) AS n FROM test_stage_effects") == 600 * 6);
  CHECK(d.scalar("SELECT max(invocations) AS n FROM test_stage_effects") == 1);
  // Distribution resumed: uploads after the restart went through the stream.
  CHECK(redis.command({"XLEN", "khaacho:orders"}).integer > 0);
  CHECK(redis.command_calls("xreadgroup") > 0);
  CHECK(wait_for([&] { return pending(redis) == 0; }, 10s));
  stop_all({&a, &b, &c});
}

TEST_CASE("a slow node gets less work than fast ones", "[process][postgres][redis]") {
  cluster_db d;
  redis_server redis;
  node_env fast{{"KHAACHO_TEST_IN_FLIGHT", "10"}, {"KHAACHO_TEST_LATENCY_MS", "5"}};
  // 150 ms a stage against 5: far enough apart that the shares differ even
  // when a loaded machine slows the fast nodes down to its own pace.
  node_env slow{{"KHAACHO_TEST_IN_FLIGHT", "10"}, {"KHAACHO_TEST_LATENCY_MS", "150"}};
  auto s = start_node(d, redis, "node-slow", slow);
  auto b = start_node(d, redis, "node-b", fast);
  fast["KHAACHO_TEST_UPLOADS"] = "300";
  auto a = start_node(d, redis, "node-a", fast);
  REQUIRE(d.wait_all_terminal(300, 90s));
  d.check_all_completed_once(300);
  auto sa = d.share("node-a"), sb = d.share("node-b"), ss = d.share("node-slow");
  CAPTURE(sa, sb, ss);
  CHECK(ss > 0);
  CHECK(ss * 2 < sa);
  CHECK(ss * 2 < sb);
  stop_all({&a, &b, &s});
}
