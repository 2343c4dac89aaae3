// GET /admin/actors: joins the registry's supervisor snapshots with the
// gates' queues (queue position, paused stage), filters and pages them.
// Pure: no I/O, no actor calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/order_supervisor.hpp"
#include "services/pipeline_control.hpp"

namespace khaacho::services {

/// The supervisor states a filter may name.
inline const char* const supervisor_states[] = {"waiting", "running", "backoff", "writing"};

bool known_supervisor_state(const std::string& state);

struct actor_filter {
  std::optional<std::string> stage;
  std::optional<std::string> state;
  std::optional<std::string> after;  ///< order id of the previous page's last entry
  int limit = 100;
};

struct actor_entry {
  supervisor_snapshot snapshot;
  int64_t queue_position = 0;  ///< 1-based while waiting in its stage's gate, else 0
  bool stage_paused = false;
};

struct actor_page {
  std::vector<actor_entry> items;       ///< ordered by order id
  int64_t matched = 0;                  ///< entries passing the filter, on every page
  std::optional<std::string> next;      ///< cursor of the next page
};

/// Pages are ordered by order id, so a cursor stays valid while supervisors
/// come and go between requests (an entry is never shown twice).
actor_page select_actors(std::vector<supervisor_snapshot> snapshots,
                         const std::vector<gate_view>& gates, const actor_filter& filter);

}  // namespace khaacho::services
