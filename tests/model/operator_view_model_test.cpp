// Pure helpers behind the admin views: the fair queue's dispatch order
// (queue positions), a token bucket's level, RFC 3339 times.
#include <catch2/catch.hpp>

#include <vector>

#include "model/fair_queue.hpp"
#include "model/rfc3339.hpp"
#include "model/token_bucket.hpp"

using namespace khaacho::model;
using namespace std::chrono_literals;

TEST_CASE("the fair queue lists its items in the order pop() returns them", "[model]") {
  fair_queue<int> q;
  for (int i = 0; i < 4; ++i)
    q.push("big", i);
  q.push("small", 100);
  q.push("other", 200);
  q.push("other", 201);
  CHECK(q.pop() == 0);  // "big" now waits behind the other keys
  q.push("late", 300);
  std::vector<int> listed;
  q.for_each_in_order([&](int x) { listed.push_back(x); });
  std::vector<int> popped;
  while (auto x = q.pop())
    popped.push_back(*x);
  CHECK(listed == std::vector<int>{100, 200, 1, 300, 201, 2, 3});
  CHECK(listed == popped);
}

TEST_CASE("a token bucket reports the tokens it holds", "[model]") {
  auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  token_bucket b{2.0, 4.0, t0};
  CHECK(b.available(t0) == Approx(4.0));
  std::chrono::milliseconds wait{0};
  for (int i = 0; i < 4; ++i)
    REQUIRE(b.try_take(t0, wait));
  CHECK(b.available(t0) == Approx(0.0));
  CHECK(b.available(t0 + 500ms) == Approx(1.0));
  CHECK(b.available(t0 + 10s) == Approx(4.0));
}

TEST_CASE("epoch milliseconds render as RFC 3339 UTC", "[model]") {
  CHECK(rfc3339_from_epoch_ms(0) == "1970-01-01T00:00:00.000Z");
  CHECK(rfc3339_from_epoch_ms(1767323045678) == "2026-01-02T03:04:05.678Z");
  CHECK(rfc3339_from_epoch_ms(-1) == "1969-12-31T23:59:59.999Z");
}
