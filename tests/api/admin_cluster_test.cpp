// GET /admin/cluster and /admin/actors?scope=cluster on a real `khaacho
// serve`, alone and in cluster mode against a private redis-server.
#include <catch2/catch.hpp>

#include <thread>

#include "api/admin_test_support.hpp"
#include "model/node_heartbeat.hpp"
#include "support/khaacho_server.hpp"
#include "support/redis_server.hpp"

using namespace khaacho;
using namespace khaacho::test;
using namespace std::chrono_literals;


TEST_CASE("a single node is the whole cluster", "[api][postgres][admin]") {
  khaacho_server srv{{"--node.id=solo"}};
  auto cli = srv.client();
  auto res = cli.Get("/admin/cluster", bearer(token_for("operator")));
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(json_field(res->body, "/mode") == "single");
  CHECK(json_array_size(res->body, "/nodes") == 1);
  CHECK(json_field(res->body, "/nodes/0/node") == "solo");
  CHECK(cli.Get("/admin/cluster", bearer(token_for("retailer", "0b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c11")))->status == 403);
  CHECK(cli.Get("/admin/cluster")->status == 401);
  CHECK(cli.Get("/admin/actors?scope=galaxy", bearer(token_for("operator")))->status == 400);
  CHECK(cli.Get("/admin/actors?scope=cluster", bearer(token_for("operator")))->status == 200);
}

TEST_CASE("in cluster mode every node's heartbeat shows in /admin/cluster and its actors",
          "[api][postgres][admin][redis]") {
  redis_server redis;
  khaacho_server srv{{"--node.id=api-1", "--pipeline.enabled=true", "--node.max-in-flight=7",
                      "--cluster.heartbeat-interval=1s"},
                     {{"REDIS_URL", redis.url()}}};
  // Another node's heartbeat, as its cluster link writes it.
  model::node_heartbeat other;
  other.node = "worker-9";
  other.role = "worker";
  other.capacity = 32;
  other.in_flight = 1;
  other.sent_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  other.supervisors = {{"aaaaaaaa-0000-4000-8000-000000000001", "ocr", "running", 2, other.sent_ms}};
  redis.command({"SET", "khaacho:node:worker-9", model::encode_heartbeat(other), "PX", "60000"});

  auto cli = srv.client();
  auto op = bearer(token_for("operator"));
  std::string body;
  for (int i = 0; i < 50; ++i) {  // until api-1's first heartbeat is in
    auto res = cli.Get("/admin/cluster", op);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    body = res->body;
    if (json_array_size(body, "/nodes") == 2)
      break;
    std::this_thread::sleep_for(100ms);
  }
  CAPTURE(body);
  CHECK(json_field(body, "/mode") == "cluster");
  REQUIRE(json_array_size(body, "/nodes") == 2);
  CHECK(json_field(body, "/nodes/0/node") == "api-1");
  CHECK(json_field(body, "/nodes/0/role") == "serve");
  CHECK(json_int(body, "/nodes/0/capacity") == 7);
  CHECK(json_field(body, "/nodes/1/node") == "worker-9");
  CHECK(json_int(body, "/nodes/1/inFlight") == 1);
  CHECK(json_int(body, "/totals/capacity") == 39);

  auto actors = cli.Get("/admin/actors?scope=cluster", op);
  REQUIRE(actors);
  CHECK(actors->status == 200);
  CAPTURE(actors->body);
  CHECK(json_field(actors->body, "/scope") == "cluster");
  REQUIRE(json_array_size(actors->body, "/items") == 1);
  CHECK(json_field(actors->body, "/items/0/node") == "worker-9");
  CHECK(json_field(actors->body, "/items/0/stage") == "ocr");
  CHECK(json_int(actors->body, "/items/0/attempt") == 2);
  // Redis gone: the cluster view is unavailable, not wrong.
  redis.stop();
  auto down = cli.Get("/admin/cluster", op);
  REQUIRE(down);
  CHECK(down->status == 503);
}
