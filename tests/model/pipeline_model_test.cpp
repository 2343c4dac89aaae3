// Pure parts of the pipeline: retry backoff, the circuit breaker, the fair queue.
#include <catch2/catch.hpp>

#include "model/circuit_breaker.hpp"
#include "model/fair_queue.hpp"
#include "model/retry_backoff.hpp"

using namespace khaacho::model;
using namespace std::chrono_literals;

TEST_CASE("backoff doubles up to its cap, with full jitter and Retry-After", "[model]") {
  backoff_policy p{1000ms, 3600000ms};
  CHECK(backoff_cap(p, 1) == 1000ms);
  CHECK(backoff_cap(p, 2) == 2000ms);
  CHECK(backoff_cap(p, 3) == 4000ms);
  CHECK(backoff_cap(p, 13) == 3600000ms);
  CHECK(backoff_cap(p, 100000) == 3600000ms);
  CHECK(backoff_delay(p, 3, 0.0) == 0ms);
  CHECK(backoff_delay(p, 3, 0.5) == 2000ms);
  CHECK(backoff_delay(p, 3, 0.999) < 4000ms);
  // A longer Retry-After wins, but never beyond the maximum.
  CHECK(backoff_delay(p, 1, 0.5, 30000ms) == 30000ms);
  CHECK(backoff_delay(p, 1, 0.5, 100ms) == 500ms);
  CHECK(backoff_delay(p, 1, 0.5, 99999999ms) == 3600000ms);
  backoff_policy fixed{100ms, 1000ms, false};
  CHECK(backoff_delay(fixed, 2, 0.1) == 200ms);
}

TEST_CASE("the circuit opens on transient failures, probes once, and closes", "[model]") {
  circuit_policy policy;
  policy.window = 10;
  policy.min_calls = 5;
  policy.failure_ratio = 0.8;
  policy.cooldown = 1000ms;
  circuit_breaker cb{policy};
  auto t = std::chrono::steady_clock::time_point{} + 1h;
  for (int i = 0; i < 4; ++i) {
    REQUIRE(cb.allow(t));
    cb.record(true, t);
  }
  CHECK(cb.current(t) == circuit_breaker::state::closed);  // below min_calls
  cb.record(true, t);
  CHECK(cb.current(t) == circuit_breaker::state::open);
  CHECK_FALSE(cb.allow(t + 500ms));
  // After the cool-down exactly one probe goes through.
  CHECK(cb.allow(t + 1001ms));
  CHECK_FALSE(cb.allow(t + 1002ms));
  cb.record(true, t + 1003ms);  // the probe failed: open again
  CHECK(cb.current(t + 1004ms) == circuit_breaker::state::open);
  CHECK(cb.allow(t + 2100ms));
  cb.record(false, t + 2101ms);
  CHECK(cb.current(t + 2102ms) == circuit_breaker::state::closed);
  CHECK(cb.trips() == 2);
  // Permanent failures and successes keep it closed.
  for (int i = 0; i < 20; ++i)
    cb.record(false, t + 3s);
  CHECK(cb.current(t + 3s) == circuit_breaker::state::closed);
}

TEST_CASE("the fair queue serves keys in turn, FIFO within a key", "[model]") {
  fair_queue<int> q;
  for (int i = 0; i < 5; ++i)
    q.push("big", i);
  q.push("small", 100);
  q.push("other", 200);
  CHECK(q.size() == 7);
  std::vector<int> order;
  while (auto x = q.pop())
    order.push_back(*x);
  CHECK(order == std::vector<int>{0, 100, 200, 1, 2, 3, 4});
  q.push("a", 1);
  q.push("a", 2);
  CHECK(q.remove_if_first([](int x) { return x == 1; }));
  CHECK_FALSE(q.remove_if_first([](int x) { return x == 9; }));
  CHECK(q.pop() == 2);
  CHECK(q.empty());
  CHECK(q.keys() == 0);
}
