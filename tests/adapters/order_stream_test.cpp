// The Redis side of cluster mode against a real redis-server.
#include <catch2/catch.hpp>

#include <thread>

#include "adapters/redis/order_stream.hpp"
#include "common/errc.hpp"
#include "support/redis_server.hpp"

using namespace khaacho;
using namespace khaacho::test;
using namespace std::chrono_literals;

namespace {

model::redis_endpoint local(const redis_server& r) {
  return model::redis_endpoint{"127.0.0.1", r.port()};
}

const std::string order1 = "aaaaaaaa-0000-4000-8000-000000000001";
const std::string order2 = "bbbbbbbb-0000-4000-8000-000000000002";

}  // namespace

TEST_CASE("stream entries go to one consumer, are reclaimed from a dead one, and acknowledged",
          "[redis]") {
  redis_server redis;
  redis::order_stream a{local(redis), {}, "a"};
  redis::order_stream b{local(redis), {}, "b"};
  REQUIRE(a.publish(order1));
  REQUIRE(a.publish(order2));
  REQUIRE(a.publish("not-a-uuid"));
  // Capacity 1: one entry only, the rest stay for others.
  auto first = a.read(1, 0ms);
  REQUIRE(first);
  REQUIRE(first->size() == 1);
  CHECK(first->front().order_id == order1);
  auto rest = b.read(10, 0ms);
  REQUIRE(rest);
  REQUIRE(rest->size() == 2);
  CHECK((*rest)[0].order_id == order2);
  CHECK((*rest)[1].order_id.empty());  // to be acknowledged and forgotten
  // Nothing new: a blocking read times out empty.
  auto none = b.read(10, 100ms);
  REQUIRE(none);
  CHECK(none->empty());
  // b "dies": after the idle time a takes its entries over (and its own
  // idle one: every entry pending past the lease time is up for grabs).
  std::this_thread::sleep_for(150ms);
  CHECK(a.reclaim(10, 10s)->empty());  // not idle long enough yet
  auto taken = a.reclaim(10, 100ms);
  REQUIRE(taken);
  CHECK(taken->size() == 3);
  std::vector<std::string> ids;
  for (const auto& e : *taken)
    ids.push_back(e.entry_id);
  auto acked = a.ack(ids);
  REQUIRE(acked);
  CHECK(*acked == 3);
  CHECK(redis.command({"XPENDING", "khaacho:orders", "khaacho"}).elements[0].integer == 0);
}

TEST_CASE("a restarted empty Redis gets its stream and group back; heartbeats expire",
          "[redis]") {
  redis_server redis;
  redis::order_stream a{local(redis), {}, "a"};
  REQUIRE(a.put_heartbeat("n1", "{}", 300ms));
  auto beats = a.heartbeats();
  REQUIRE(beats);
  CHECK(beats->size() == 1);
  redis.stop();
  auto down = a.publish(order1);
  REQUIRE_FALSE(down);
  CHECK(has_code(down.error(), errc::upstream_unavailable));
  redis.start();
  // Reconnects after its backoff, re-creating stream and group.
  caf::expected<std::string> up = caf::make_error(errc::upstream_unavailable);
  for (int i = 0; i < 100 && !up; ++i) {
    std::this_thread::sleep_for(50ms);
    up = a.publish(order1);
  }
  REQUIRE(up);
  auto got = a.read(10, 0ms);
  REQUIRE(got);
  CHECK(got->size() == 1);
  REQUIRE(a.put_heartbeat("n1", "{}", 100ms));
  std::this_thread::sleep_for(200ms);
  auto gone = a.heartbeats();
  REQUIRE(gone);
  CHECK(gone->empty());
}
