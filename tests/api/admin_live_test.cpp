// The admin API over a live pipeline (in-process node, slow test stages):
// the actors list matches the supervisors alive during a run, backoffs and
// queue positions show, operator actions act, pausing loses nothing, and
// every write is audited.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include <caf/scoped_actor.hpp>

#include "api/admin_test_support.hpp"

using namespace khaacho;
using namespace khaacho::test;
using namespace std::chrono_literals;

namespace {

/// States of the listed actors, by order id.
std::map<std::string, std::string> states_of(const std::string& body) {
  std::map<std::string, std::string> out;
  auto n = json_array_size(body, "/items");
  for (int64_t i = 0; i < n; ++i) {
    auto p = "/items/" + std::to_string(i);
    out[json_field(body, (p + "/orderId").c_str())] = json_field(body, (p + "/state").c_str());
  }
  return out;
}

std::vector<supervisor_snapshot> registry_snapshot(pipeline_harness& h) {
  caf::scoped_actor self{h.system()};
  std::vector<supervisor_snapshot> out;
  self->request(h.pipe().registry, 5s, snapshot_atom::value)
    .receive([&](std::vector<supervisor_snapshot>& s) { out = std::move(s); }, [](caf::error&) {});
  return out;
}

int64_t audit_rows(pipeline_harness& h, const std::string& action, const std::string& outcome) {
  auto r = h.db().exec("SELECT count(*) AS n FROM admin_audit_log WHERE action = $1 AND outcome = $2",
                       db::pg_params(action, outcome));
  REQUIRE(r);
  return r->row(0).get<int64_t>("n");
}

}  // namespace

TEST_CASE("the actors list shows the supervisors alive during a run, with queue places",
          "[api][actors][postgres][admin]") {
  admin_node node{[](config::settings& s) { s.stages["ocr"].max_concurrent = 2; }};
  node.h.script->set("ocr", [](const stage_request&) {
    return stage_action{stage_action_kind::succeed, 1500ms, std::nullopt};
  });
  auto ids = node.h.add_orders(5);
  node.start();
  auto body = node.poll("/admin/actors", [](const std::string& b) {
    auto st = states_of(b);
    return st.size() == 5
           && std::count_if(st.begin(), st.end(), [](auto& kv) { return kv.second == "running"; }) == 2
           && std::count_if(st.begin(), st.end(), [](auto& kv) { return kv.second == "waiting"; }) == 3;
  });
  CAPTURE(body);
  // The same supervisors as the registry's own view.
  std::set<std::string> listed, live, added{ids.begin(), ids.end()};
  for (auto& kv : states_of(body))
    listed.insert(kv.first);
  for (auto& s : registry_snapshot(node.h))
    live.insert(s.order_id);
  CHECK(listed == added);
  CHECK(live == added);
  CHECK(json_field(body, "/pipeline") == "running");
  CHECK(json_int(body, "/matched") == 5);
  std::vector<int64_t> places;
  for (int i = 0; i < 5; ++i) {
    auto p = "/items/" + std::to_string(i);
    CHECK(json_field(body, (p + "/stage").c_str()) == "ocr");
    CHECK(json_int(body, (p + "/attempt").c_str()) == 1);
    CHECK(json_field(body, (p + "/node").c_str()) == "test-node");
    CHECK_FALSE(json_field(body, (p + "/since").c_str()).empty());
    if (json_field(body, (p + "/state").c_str()) == "waiting")
      places.push_back(json_int(body, (p + "/queuePosition").c_str()));
    else
      CHECK(json_is_null(body, (p + "/queuePosition").c_str()));
  }
  std::sort(places.begin(), places.end());
  CHECK(places == std::vector<int64_t>{1, 2, 3});
  CHECK(json_field(body, "/gates/0/stage") == "ocr");
  CHECK(json_int(body, "/gates/0/running") == 2);
  CHECK(json_int(body, "/gates/0/queued") == 3);
  CHECK(json_int(body, "/gates/0/maxConcurrent") == 2);
  CHECK(json_array_size(body, "/gates") == 6);
  CHECK(json_int(body, "/registry/inFlight") == 5);

  // Filters and pages.
  auto waiting = node.get("/admin/actors?state=waiting&stage=ocr");
  REQUIRE(waiting);
  CHECK(json_array_size(waiting->body, "/items") == 3);
  auto none = node.get("/admin/actors?stage=extract");
  REQUIRE(none);
  CHECK(json_array_size(none->body, "/items") == 0);
  std::set<std::string> paged;
  std::string cursor;
  for (int page = 0; page < 3; ++page) {
    auto res = node.get("/admin/actors?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
    REQUIRE(res);
    REQUIRE(res->status == 200);
    for (auto& kv : states_of(res->body))
      paged.insert(kv.first);
    cursor = json_field(res->body, "/nextCursor");
    CHECK(cursor.empty() == (page == 2));
  }
  CHECK(paged == added);

  // One order's live state while it waits.
  std::string queued;
  for (auto& kv : states_of(body))
    if (kv.second == "waiting")
      queued = kv.first;
  auto one = node.get("/admin/actors/" + queued);
  REQUIRE(one);
  CHECK(one->status == 200);
  CHECK(json_field(one->body, "/order/status") == "PROCESSING");

  REQUIRE(node.h.wait_terminal(ids));
  auto after = node.poll("/admin/actors", [](const std::string& b) { return states_of(b).empty(); });
  CHECK(json_int(after, "/matched") == 0);
  CHECK(json_int(after, "/gates/0/succeeded") == 5);
  // The finished order's history: six attempts, ocr's lasting its 1.5 s.
  auto done = node.get("/admin/actors/" + ids[0]);
  REQUIRE(done);
  CAPTURE(done->body);
  CHECK(json_is_null(done->body, "/live"));
  CHECK(json_field(done->body, "/order/status") == "COMPLETED");
  CHECK(json_array_size(done->body, "/attempts") == 6);
  CHECK(json_array_size(done->body, "/checkpoints") == 6);
  CHECK(json_field(done->body, "/attempts/0/stage") == "ocr");
  CHECK(json_field(done->body, "/attempts/0/outcome") == "succeeded");
  CHECK(json_int(done->body, "/attempts/0/durationMs") >= 1400);
}

TEST_CASE("a backoff shows its next attempt and run-now skips it", "[api][actors][postgres][admin]") {
  admin_node node{[](config::settings& s) {
    s.stages["extract"].initial_backoff = 60s;
    s.stages["extract"].max_backoff = 60s;
  }};
  node.h.script->set("extract", [](const stage_request& r) {
    return r.attempt == 1 ? stage_action{stage_action_kind::fail_transient, 0ms, std::nullopt}
                          : stage_action{};
  });
  auto id = node.h.add_order();
  node.start();
  auto body = node.poll("/admin/actors?state=backoff",
                        [](const std::string& b) { return json_array_size(b, "/items") == 1; });
  CAPTURE(body);
  REQUIRE(json_array_size(body, "/items") == 1);
  CHECK(json_field(body, "/items/0/orderId") == id);
  CHECK(json_field(body, "/items/0/stage") == "extract");
  CHECK_FALSE(json_field(body, "/items/0/nextAttemptAt").empty());
  CHECK_FALSE(json_field(body, "/items/0/lastError").empty());

  auto refused = node.post("/admin/orders/" + id + "/run-now", "operator");
  REQUIRE(refused);
  CHECK(refused->status == 403);
  auto res = node.post("/admin/orders/" + id + "/run-now");
  REQUIRE(res);
  CHECK(res->status == 202);
  CHECK(json_field(res->body, "/order/status") == "PROCESSING");
  REQUIRE(node.h.wait_terminal({id}, 10s));  // not after the 60 s backoff
  CHECK(node.h.status(id) == "COMPLETED");
  auto again = node.post("/admin/orders/" + id + "/run-now");
  REQUIRE(again);
  CHECK(again->status == 409);
  CHECK(json_field(again->body, "/error/code") == "conflict");
  CHECK(audit_rows(node.h, "run-now", "forbidden") == 1);
  CHECK(audit_rows(node.h, "run-now", "applied") == 1);
  CHECK(audit_rows(node.h, "run-now", "conflict") == 1);
}

TEST_CASE("a paused stage holds orders as waiting, and resuming completes all of them",
          "[api][actors][postgres][admin]") {
  admin_node node;
  node.start();
  auto paused = node.post("/admin/stages/normalize/pause");
  REQUIRE(paused);
  REQUIRE(paused->status == 200);
  CHECK(json_bool(paused->body, "/gate/paused"));
  auto ids = node.h.add_orders(4);
  for (auto& id : ids)
    node.h.accepted(id);
  auto body = node.poll("/admin/actors?stage=normalize&state=waiting",
                        [](const std::string& b) { return json_array_size(b, "/items") == 4; });
  CAPTURE(body);
  REQUIRE(json_array_size(body, "/items") == 4);
  CHECK(json_bool(body, "/items/0/stagePaused"));
  CHECK(json_int(body, "/gates/2/queued") == 4);
  CHECK(json_bool(body, "/gates/2/paused"));
  std::this_thread::sleep_for(300ms);
  CHECK(node.h.script->calls("normalize").empty());
  // An order held at the gate is neither in backoff nor running.
  auto early = node.post("/admin/orders/" + ids[0] + "/run-now");
  REQUIRE(early);
  CHECK(early->status == 409);

  auto resumed = node.post("/admin/stages/normalize/resume");
  REQUIRE(resumed);
  CHECK(resumed->status == 200);
  CHECK_FALSE(json_bool(resumed->body, "/gate/paused"));
  REQUIRE(node.h.wait_terminal(ids));
  for (auto& id : ids)
    CHECK(node.h.status(id) == "COMPLETED");
  CHECK(node.h.script->calls("normalize").size() == 4);  // each exactly once

  auto unknown = node.post("/admin/stages/billing/pause");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  CHECK(audit_rows(node.h, "pause", "applied") == 1);
  CHECK(audit_rows(node.h, "resume", "applied") == 1);
  CHECK(audit_rows(node.h, "pause", "not_found") == 1);
}

TEST_CASE("operators retry a FAILED order and cancel a waiting one", "[api][actors][postgres][admin]") {
  admin_node node;
  node.h.script->set("ocr", [](const stage_request& r) {
    return r.attempt == 1 ? stage_action{stage_action_kind::fail_permanent, 0ms, std::nullopt}
                          : stage_action{};
  });
  auto failed = node.h.add_order();
  node.start();
  REQUIRE(node.h.wait_terminal({failed}, 10s));
  REQUIRE(node.h.status(failed) == "FAILED");

  auto retried = node.post("/admin/orders/" + failed + "/retry");
  REQUIRE(retried);
  CHECK(retried->status == 202);
  CHECK(json_field(retried->body, "/order/status") == "PROCESSING");
  REQUIRE(node.h.wait_terminal({failed}, 10s));
  CHECK(node.h.status(failed) == "COMPLETED");
  CHECK(node.h.attempts(failed, "ocr").size() == 2);
  auto twice = node.post("/admin/orders/" + failed + "/retry");
  REQUIRE(twice);
  CHECK(twice->status == 409);

  // Cancel an order held at a paused gate.
  REQUIRE(node.post("/admin/stages/ocr/pause")->status == 200);
  auto held = node.h.add_order();
  node.h.accepted(held);
  node.poll("/admin/actors?state=waiting",
            [](const std::string& b) { return json_array_size(b, "/items") == 1; });
  auto cancelled = node.post("/admin/orders/" + held + "/cancel");
  REQUIRE(cancelled);
  CHECK(cancelled->status == 200);
  CHECK(json_field(cancelled->body, "/order/status") == "FAILED");
  CHECK(json_field(cancelled->body, "/order/failureReason") == "cancelled");
  auto gone = node.poll("/admin/actors", [](const std::string& b) {
    return json_array_size(b, "/items") == 0;
  });
  CHECK(json_array_size(gone, "/items") == 0);
  CHECK(json_int(gone, "/gates/0/queued") == 0);  // withdrawn from the gate

  auto unknown = node.post("/admin/orders/3f1e2d3c-4b5a-4697-8877-665544332211/cancel");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  auto bad = node.post("/admin/orders/not-a-uuid/retry");
  REQUIRE(bad);
  CHECK(bad->status == 400);

  auto audit = node.get("/admin/audit?limit=3");
  REQUIRE(audit);
  CAPTURE(audit->body);
  CHECK(json_array_size(audit->body, "/items") == 3);
  CHECK(json_field(audit->body, "/items/0/action") == "retry");  // newest first
  CHECK(json_field(audit->body, "/items/0/outcome") == "invalid_request");
  CHECK(json_field(audit->body, "/items/1/outcome") == "not_found");
  CHECK(json_field(audit->body, "/items/2/action") == "cancel");
  CHECK(json_field(audit->body, "/items/2/target") == held);
  CHECK(json_field(audit->body, "/items/2/sub") == "test-admin");
  CHECK(json_field(audit->body, "/items/2/role") == "admin");
  CHECK_FALSE(json_field(audit->body, "/items/2/requestId").empty());
  auto next = node.get("/admin/audit?limit=3&cursor=" + json_field(audit->body, "/nextCursor"));
  REQUIRE(next);
  CHECK(json_field(next->body, "/items/0/action") == "pause");
}
