#include "services/actor_listing.hpp"

#include <algorithm>
#include <unordered_map>

namespace khaacho::services {

bool known_supervisor_state(const std::string& state) {
  for (const char* s : supervisor_states)
    if (state == s)
      return true;
  return false;
}

actor_page select_actors(std::vector<supervisor_snapshot> snapshots,
                         const std::vector<gate_view>& gates, const actor_filter& filter) {
  std::unordered_map<std::string, bool> paused;
  std::unordered_map<std::string, int64_t> position;  // order id → place in its gate's queue
  for (const auto& g : gates) {
    paused.emplace(g.stats.stage, g.stats.paused);
    for (size_t i = 0; i < g.waiting.size(); ++i)
      position.emplace(g.waiting[i], static_cast<int64_t>(i) + 1);
  }
  std::sort(snapshots.begin(), snapshots.end(),
            [](const auto& a, const auto& b) { return a.order_id < b.order_id; });
  actor_page page;
  for (auto& snap : snapshots) {
    if (filter.stage && snap.stage != *filter.stage)
      continue;
    if (filter.state && snap.state != *filter.state)
      continue;
    ++page.matched;
    if (filter.after && snap.order_id <= *filter.after)
      continue;
    if (static_cast<int>(page.items.size()) == filter.limit) {
      page.next = page.items.back().snapshot.order_id;
      continue;
    }
    actor_entry e;
    auto p = paused.find(snap.stage);
    e.stage_paused = p != paused.end() && p->second;
    // The registry's and the gates' snapshots are taken a moment apart: an
    // order just dispatched or just queued may be missing from a queue (0).
    if (snap.state == "waiting") {
      auto pos = position.find(snap.order_id);
      if (pos != position.end())
        e.queue_position = pos->second;
    }
    e.snapshot = std::move(snap);
    page.items.push_back(std::move(e));
  }
  return page;
}

}  // namespace khaacho::services
