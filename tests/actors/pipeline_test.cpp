// The order pipeline in one process against a real PostgreSQL: supervisors
// drive orders through six controllable stages; retries, timeouts, crashes,
// review and deadlines.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include <caf/send.hpp>

#include "support/pipeline_harness.hpp"

using namespace khaacho;
using namespace khaacho::test;
using namespace std::chrono_literals;

namespace {

stage_action act(stage_action_kind k, std::chrono::milliseconds delay = 0ms) {
  return stage_action{k, delay, std::nullopt};
}

}  // namespace

TEST_CASE("orders go through the six stages in order and complete", "[actors][postgres]") {
  pipeline_harness h;
  auto ids = h.add_orders(20);
  h.start();
  REQUIRE(h.wait_terminal(ids));
  for (const auto& id : ids) {
    CHECK(h.status(id) == "COMPLETED");
    CHECK(h.checkpoint_count(id) == 6);
    CHECK(h.attempts(id, "notify") == std::vector<std::pair<int, std::string>>{{1, "succeeded"}});
  }
  // Per order the calls came in pipeline order, each after the previous ended.
  auto calls = h.script->calls();
  CHECK(calls.size() == 20 * 6);
  for (const auto& id : ids) {
    std::vector<std::string> seen;
    std::chrono::steady_clock::time_point last_end{};
    for (const auto& c : calls)
      if (c.order_id == id) {
        seen.push_back(c.stage);
        CHECK(c.start >= last_end);
        last_end = c.end;
      }
    CHECK(seen == std::vector<std::string>{"ocr", "extract", "normalize", "rank", "rfq", "notify"});
  }
  // Leases are gone once orders are done.
  auto owned = h.db().exec("SELECT count(*) AS n FROM uploaded_orders WHERE owner_node IS NOT NULL");
  REQUIRE(owned);
  CHECK(owned->row(0).get<int64_t>("n") == 0);
}

TEST_CASE("a stage that fails twice then succeeds is retried with growing backoff",
          "[actors][postgres]") {
  pipeline_harness h;
  h.script->set("extract", [](const stage_request& r) {
    return r.attempt < 3 ? act(stage_action_kind::fail_transient) : act(stage_action_kind::succeed);
  });
  auto id = h.add_order();
  h.start();
  REQUIRE(h.wait_terminal({id}));
  CHECK(h.status(id) == "COMPLETED");
  CHECK(h.attempts(id, "extract")
        == std::vector<std::pair<int, std::string>>{
          {1, "failed_transient"}, {2, "failed_transient"}, {3, "succeeded"}});
  auto calls = h.script->calls("extract");
  REQUIRE(calls.size() == 3);
  auto gap1 = calls[1].start - calls[0].end;
  auto gap2 = calls[2].start - calls[1].end;
  // Without jitter the waits are the exponential caps: 50 ms, then 100 ms.
  CHECK(gap1 >= 45ms);
  CHECK(gap2 >= 95ms);
  CHECK(gap2 > gap1);
}

TEST_CASE("a stage that always fails transiently ends the order after max_attempts",
          "[actors][postgres]") {
  pipeline_harness h;
  h.script->set("rank", [](const stage_request&) { return act(stage_action_kind::fail_transient); });
  auto id = h.add_order();
  h.start();
  REQUIRE(h.wait_terminal({id}));
  CHECK(h.status(id) == "FAILED");
  CHECK(h.attempts(id, "rank").size() == 3);
  CHECK(h.failure_reason(id).find("rank failed after 3 attempts") != std::string::npos);
  CHECK(h.script->calls("rfq").empty());
}

TEST_CASE("a stage that cannot reach the database does not use up its attempts",
          "[actors][postgres]") {
  pipeline_harness h;
  // Five times the three attempts allowed, then the database is back.
  h.script->set("rfq", [](const stage_request& r) {
    return r.attempt <= 5 ? act(stage_action_kind::fail_db_unavailable)
                          : act(stage_action_kind::succeed);
  });
  auto id = h.add_order();
  h.start();
  REQUIRE(h.wait_terminal({id}, 30s));
  CHECK(h.status(id) == "COMPLETED");
  auto rfq = h.attempts(id, "rfq");
  REQUIRE(rfq.size() == 6);
  CHECK(rfq.back() == std::pair<int, std::string>{6, "succeeded"});
  CHECK(h.script->calls("notify").size() == 1);
}

TEST_CASE("a permanent failure is not retried", "[actors][postgres]") {
  pipeline_harness h;
  h.script->set("ocr", [](const stage_request&) { return act(stage_action_kind::fail_permanent); });
  auto id = h.add_order();
  h.start();
  REQUIRE(h.wait_terminal({id}));
  CHECK(h.status(id) == "FAILED");
  CHECK(h.attempts(id, "ocr") == std::vector<std::pair<int, std::string>>{{1, "failed_permanent"}});
  CHECK(h.failure_reason(id).find("ocr:") == 0);
  CHECK(h.script->calls("ocr").size() == 1);
}

TEST_CASE("a hung stage is cut by its timeout and retried", "[actors][postgres]") {
  pipeline_harness h{[](config::settings& s) { s.stages["normalize"].timeout = 300ms; }};
  h.script->set("normalize", [](const stage_request& r) {
    return r.attempt == 1 ? act(stage_action_kind::hang) : act(stage_action_kind::succeed);
  });
  auto id = h.add_order();
  h.start();
  REQUIRE(h.wait_terminal({id}, 20s));
  CHECK(h.status(id) == "COMPLETED");
  CHECK(h.attempts(id, "normalize")
        == std::vector<std::pair<int, std::string>>{{1, "timed_out"}, {2, "succeeded"}});
}

TEST_CASE("a stage worker that throws is replaced and the attempt retried", "[actors][postgres]") {
  pipeline_harness h;
  h.script->set("rfq", [](const stage_request& r) {
    return r.attempt == 1 ? act(stage_action_kind::throw_error) : act(stage_action_kind::succeed);
  });
  auto ids = h.add_orders(3);
  h.start();
  REQUIRE(h.wait_terminal(ids));
  for (const auto& id : ids) {
    CHECK(h.status(id) == "COMPLETED");
    CHECK(h.attempts(id, "rfq")
          == std::vector<std::pair<int, std::string>>{{1, "crashed"}, {2, "succeeded"}});
  }
}

TEST_CASE("a killed stage actor is restarted by its gate and the attempt retried",
          "[actors][postgres]") {
  pipeline_harness h;
  std::atomic<int> ocr_calls{0};
  h.script->set("ocr", [&](const stage_request&) {
    ++ocr_calls;
    return act(stage_action_kind::succeed, 400ms);
  });
  auto id = h.add_order();
  h.start();
  // Kill the OCR stage while the first attempt runs.
  for (int i = 0; i < 200 && ocr_calls == 0; ++i)
    std::this_thread::sleep_for(5ms);
  REQUIRE(ocr_calls == 1);
  caf::anon_send_exit(h.latest_stages->get("ocr"), caf::exit_reason::kill);
  REQUIRE(h.wait_terminal({id}, 20s));
  CHECK(h.status(id) == "COMPLETED");
  auto ocr = h.attempts(id, "ocr");
  REQUIRE(ocr.size() == 2);
  CHECK(ocr[0].second == "crashed");
  CHECK(ocr[1].second == "succeeded");
}

TEST_CASE("a stage asking for review stops the order as PENDING_REVIEW", "[actors][postgres]") {
  pipeline_harness h;
  h.script->set("normalize", [](const stage_request&) { return act(stage_action_kind::review); });
  auto id = h.add_order();
  h.start();
  REQUIRE(h.wait_terminal({id}));
  CHECK(h.status(id) == "PENDING_REVIEW");
  CHECK(h.checkpoint_count(id) == 3);
  CHECK(h.script->calls("rank").empty());
}

TEST_CASE("a service's Retry-After outlasts the computed backoff", "[actors][postgres]") {
  pipeline_harness h{[](config::settings& s) { s.stages["notify"].max_backoff = 5s; }};
  h.script->set("notify", [](const stage_request& r) {
    if (r.attempt == 1)
      return stage_action{stage_action_kind::fail_transient, 0ms, 600ms};
    return act(stage_action_kind::succeed);
  });
  auto id = h.add_order();
  h.start();
  REQUIRE(h.wait_terminal({id}));
  CHECK(h.status(id) == "COMPLETED");
  auto calls = h.script->calls("notify");
  REQUIRE(calls.size() == 2);
  CHECK(calls[1].start - calls[0].end >= 590ms);  // not the 50 ms backoff
}

TEST_CASE("an order past its processing deadline fails with deadline_exceeded",
          "[actors][postgres]") {
  pipeline_harness h{[](config::settings& s) {
    s.pipeline.max_processing_time = std::chrono::seconds{1};
    s.stages["ocr"].max_attempts = 1000;
  }};
  h.script->set("ocr", [](const stage_request&) { return act(stage_action_kind::fail_transient); });
  auto id = h.add_order();
  h.start();
  REQUIRE(h.wait_terminal({id}, 20s));
  CHECK(h.status(id) == "FAILED");
  CHECK(h.failure_reason(id) == "deadline_exceeded");
}
