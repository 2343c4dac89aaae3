// Keeps the in-memory catalog current: polls catalog_state.version and, when
// an import changed it, loads and indexes the new catalog off to the side and
// publishes it. Spawn it detached: loading blocks on the database pool.
#pragma once

#include <chrono>
#include <memory>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

#include "actors/db_call.hpp"
#include "services/catalog_holder.hpp"

namespace khaacho {

struct catalog_watcher_config {
  db_client db;
  std::shared_ptr<services::catalog_holder> holder;
  std::chrono::milliseconds interval{2000};
};

/// `sys.spawn<caf::detached>(catalog_watcher, cfg)`: loads at once, then
/// looks every interval, and on demand when sent reload_atom.
caf::behavior catalog_watcher(caf::event_based_actor* self, catalog_watcher_config cfg);

}  // namespace khaacho
