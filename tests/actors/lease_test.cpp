// Leases, fencing and operator actions on live and stored orders.
#include <catch2/catch.hpp>

#include <thread>

#include <caf/scoped_actor.hpp>

#include "actors/order_registry.hpp"
#include "adapters/db/order_statements.hpp"
#include "support/pipeline_harness.hpp"

using namespace khaacho;
using namespace khaacho::test;
using namespace std::chrono_literals;

namespace {

std::vector<supervisor_snapshot> snapshot(pipeline_harness& h) {
  caf::scoped_actor self{h.system()};
  std::vector<supervisor_snapshot> out;
  self->request(h.pipe().registry, 5s, snapshot_atom::value)
    .receive([&](std::vector<supervisor_snapshot>& s) { out = std::move(s); },
             [&](caf::error&) {});
  return out;
}

}  // namespace

TEST_CASE("a supervisor whose lease was taken over writes nothing more", "[actors][postgres]") {
  pipeline_harness h;
  std::atomic<bool> release{false};
  h.script->set("extract", [&](const stage_request&) {
    while (!release)
      std::this_thread::sleep_for(5ms);
    return stage_action{};
  });
  auto id = h.add_order();
  h.start();
  while (h.script->calls("extract").empty())
    std::this_thread::sleep_for(5ms);
  // Another node claims the order (its lease expired, say): epoch bumps.
  REQUIRE(h.db().exec("UPDATE uploaded_orders SET owner_node = 'other', lease_epoch = lease_epoch + 1"
                      " WHERE id = $1::uuid", db::pg_params(id)));
  release = true;
  std::this_thread::sleep_for(500ms);
  // The old owner's result was refused: no extract checkpoint, no attempt
  // row, no later stage, and the order still belongs to the other node.
  CHECK(h.checkpoint_count(id) == 1);  // ocr only
  CHECK(h.attempts(id, "extract").empty());
  CHECK(h.script->calls("normalize").empty());
  auto owner = h.db().exec("SELECT owner_node, status::text AS s FROM uploaded_orders WHERE id = $1::uuid",
                           db::pg_params(id));
  REQUIRE(owner);
  CHECK(owner->row(0).get<std::string>("owner_node") == "other");
  CHECK(owner->row(0).get<std::string>("s") == "PROCESSING");
  CHECK(snapshot(h).empty());
}

TEST_CASE("the registry shows live supervisors and their state", "[actors][postgres]") {
  pipeline_harness h;
  std::atomic<bool> release{false};
  h.script->set("rank", [&](const stage_request&) {
    while (!release)
      std::this_thread::sleep_for(5ms);
    return stage_action{};
  });
  auto id = h.add_order();
  h.start();
  std::vector<supervisor_snapshot> snap;
  for (int i = 0; i < 200; ++i) {
    snap = snapshot(h);
    if (!snap.empty() && snap[0].stage == "rank" && snap[0].state == "running")
      break;
    std::this_thread::sleep_for(10ms);
  }
  REQUIRE(snap.size() == 1);
  CHECK(snap[0].order_id == id);
  CHECK(snap[0].stage == "rank");
  CHECK(snap[0].state == "running");
  CHECK(snap[0].attempt == 1);
  CHECK(snap[0].node == "test-node");
  release = true;
  REQUIRE(h.wait_terminal({id}));
}

TEST_CASE("operators retry a FAILED order from its last checkpoint", "[actors][postgres]") {
  pipeline_harness h;
  std::atomic<bool> broken{true};
  h.script->set("rfq", [&](const stage_request&) {
    return broken ? stage_action{stage_action_kind::fail_permanent, 0ms, std::nullopt} : stage_action{};
  });
  auto id = h.add_order();
  h.start();
  REQUIRE(h.wait_terminal({id}));
  REQUIRE(h.status(id) == "FAILED");
  broken = false;
  CHECK(h.ask_registry(retry_atom::value, id));
  REQUIRE(h.wait_terminal({id}));  // may still read FAILED for a moment
  for (int i = 0; i < 200 && h.status(id) != "COMPLETED"; ++i)
    std::this_thread::sleep_for(10ms);
  CHECK(h.status(id) == "COMPLETED");
  // ocr..rank ran once: the retry resumed at rfq.
  CHECK(h.script->calls("ocr").size() == 1);
  CHECK(h.script->calls("rank").size() == 1);
  CHECK(h.script->calls("rfq").size() == 2);
  CHECK_FALSE(h.ask_registry(retry_atom::value, id));  // not FAILED any more
}

TEST_CASE("operators cancel a PROCESSING order and skip a backoff", "[actors][postgres]") {
  pipeline_harness h{[](config::settings& s) {
    s.stages["ocr"].initial_backoff = 60s;
    s.stages["ocr"].max_backoff = 60s;
  }};
  h.script->set("ocr", [](const stage_request& r) {
    return r.attempt == 1 ? stage_action{stage_action_kind::fail_transient, 0ms, std::nullopt}
                          : stage_action{};
  });
  auto waiting = h.add_order();
  auto doomed = h.add_order();
  h.start();
  // Both sit in a 60 s backoff after their first OCR attempt.
  for (int i = 0; i < 300 && h.script->calls("ocr").size() < 2; ++i)
    std::this_thread::sleep_for(10ms);
  std::this_thread::sleep_for(200ms);
  CHECK(h.ask_registry(run_now_atom::value, waiting));
  REQUIRE(h.wait_terminal({waiting}, 10s));
  CHECK(h.status(waiting) == "COMPLETED");
  CHECK(h.ask_registry(cancel_atom::value, doomed));
  REQUIRE(h.wait_terminal({doomed}, 5s));
  CHECK(h.status(doomed) == "FAILED");
  CHECK(h.failure_reason(doomed) == "cancelled");
  CHECK_FALSE(h.ask_registry(cancel_atom::value, doomed));
  std::this_thread::sleep_for(200ms);
  CHECK(snapshot(h).empty());
}

TEST_CASE("graceful stop lets running attempts finish and releases leases", "[actors][postgres]") {
  pipeline_harness h;
  h.script->set("normalize", [](const stage_request&) {
    return stage_action{stage_action_kind::succeed, 300ms, std::nullopt};
  });
  auto id = h.add_order();
  h.start();
  while (h.script->calls("normalize").empty())
    std::this_thread::sleep_for(5ms);
  CHECK(h.stop(5s));
  // The running attempt was checkpointed; the order waits, unowned, to resume.
  CHECK(h.checkpoint_count(id) == 3);
  auto row = h.db().exec("SELECT owner_node IS NULL AS free, status::text AS s FROM uploaded_orders"
                         " WHERE id = $1::uuid", db::pg_params(id));
  REQUIRE(row);
  CHECK(row->row(0).get<bool>("free"));
  CHECK(row->row(0).get<std::string>("s") == "PROCESSING");
}

TEST_CASE("leases of live orders are renewed, so no other node can claim them",
          "[actors][postgres]") {
  pipeline_harness h{[](config::settings& s) {
    s.node.lease_duration = std::chrono::seconds{1};
    s.stages["ocr"].timeout = 10s;
  }};
  h.script->set("ocr", [](const stage_request&) {
    return stage_action{stage_action_kind::succeed, 2500ms, std::nullopt};
  });
  auto id = h.add_order();
  h.start();
  while (h.script->calls("ocr").empty())
    std::this_thread::sleep_for(5ms);
  // For longer than two lease periods, an intruder finds nothing to claim.
  for (int i = 0; i < 20; ++i) {
    auto stolen = h.db().exec(db::claim_orders("intruder", std::chrono::seconds{60}, 10));
    REQUIRE(stolen);
    CHECK(stolen->size() == 0);
    std::this_thread::sleep_for(100ms);
  }
  REQUIRE(h.wait_terminal({id}, 20s));
  CHECK(h.status(id) == "COMPLETED");
}

TEST_CASE("a claim serves the retailer with fewer orders in flight first, also one slot at a time",
          "[actors][postgres]") {
  pipeline_harness h;  // not started: the claims below are the only ones
  const std::string busy_retailer = "0b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c11";
  const std::string other_retailer = "5d2e8a41-7c3b-4f6e-9a1d-3e4f5a6b7c8d";
  auto batch = h.add_orders(8, busy_retailer);
  auto single = h.add_order(other_retailer);
  // Three of the batch are in flight on another node.
  for (int i = 0; i < 3; ++i)
    REQUIRE(h.db().exec("UPDATE uploaded_orders SET owner_node = 'elsewhere',"
                        " lease_expires_at = now() + interval '60 seconds' WHERE id = $1::uuid",
                        db::pg_params(batch[static_cast<size_t>(i)])));
  auto claim_one = [&]() {
    auto r = h.db().exec(db::claim_orders("here", std::chrono::seconds{60}, 1));
    REQUIRE(r);
    REQUIRE(r->size() == 1);
    return r->row(0).get<std::string>("id");
  };
  // The batch's oldest waiting order is older, but its retailer has three in
  // flight and the other none.
  CHECK(claim_one() == single);
  // Then the batch, oldest first.
  CHECK(claim_one() == batch[3]);
  CHECK(claim_one() == batch[4]);
}
