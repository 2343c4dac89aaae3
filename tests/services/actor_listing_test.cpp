// GET /admin/actors' selection: queue positions from the gates, paused
// stages, filters, and order-id cursors that survive supervisors coming and
// going between pages.
#include <catch2/catch.hpp>

#include "services/actor_listing.hpp"

using namespace khaacho;
using namespace khaacho::services;

namespace {

supervisor_snapshot snap(const std::string& id, const std::string& stage, const std::string& state) {
  supervisor_snapshot s;
  s.order_id = id;
  s.stage = stage;
  s.state = state;
  s.attempt = 1;
  return s;
}

gate_view gate(const std::string& stage, std::vector<std::string> waiting, bool paused = false) {
  gate_view g;
  g.stats.stage = stage;
  g.stats.paused = paused;
  g.waiting = std::move(waiting);
  return g;
}

std::vector<std::string> ids_of(const actor_page& p) {
  std::vector<std::string> out;
  for (const auto& e : p.items)
    out.push_back(e.snapshot.order_id);
  return out;
}

}  // namespace

TEST_CASE("waiting supervisors get their place in their gate's queue", "[model]") {
  std::vector<supervisor_snapshot> snaps{snap("c", "ocr", "waiting"), snap("a", "ocr", "waiting"),
                                         snap("b", "ocr", "running"), snap("d", "rank", "backoff")};
  std::vector<gate_view> gates{gate("ocr", {"c", "a"}, true), gate("rank", {})};
  auto page = select_actors(snaps, gates, actor_filter{});
  REQUIRE(ids_of(page) == std::vector<std::string>{"a", "b", "c", "d"});
  CHECK(page.items[0].queue_position == 2);
  CHECK(page.items[1].queue_position == 0);  // running: not queued
  CHECK(page.items[2].queue_position == 1);
  CHECK(page.items[0].stage_paused);
  CHECK_FALSE(page.items[3].stage_paused);
  CHECK(page.matched == 4);
  CHECK_FALSE(page.next);
}

TEST_CASE("filters by stage and state, and pages with an order-id cursor", "[model]") {
  std::vector<supervisor_snapshot> snaps;
  for (char c = 'a'; c <= 'g'; ++c)
    snaps.push_back(snap(std::string(1, c), c < 'e' ? "ocr" : "notify", c % 2 ? "waiting" : "running"));
  actor_filter f;
  f.stage = "ocr";
  CHECK(ids_of(select_actors(snaps, {}, f)) == std::vector<std::string>{"a", "b", "c", "d"});
  f.state = "waiting";
  CHECK(ids_of(select_actors(snaps, {}, f)) == std::vector<std::string>{"a", "c"});

  actor_filter paged;
  paged.limit = 3;
  auto first = select_actors(snaps, {}, paged);
  CHECK(ids_of(first) == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(first.next == std::string{"c"});
  // "b" finished and "bb" arrived between the pages: nothing repeats.
  snaps.erase(snaps.begin() + 1);
  snaps.push_back(snap("bb", "ocr", "running"));
  paged.after = *first.next;
  auto second = select_actors(snaps, {}, paged);
  CHECK(ids_of(second) == std::vector<std::string>{"d", "e", "f"});
  CHECK(second.matched == 7);
  paged.after = *second.next;
  auto third = select_actors(snaps, {}, paged);
  CHECK(ids_of(third) == std::vector<std::string>{"g"});
  CHECK_FALSE(third.next);
}
