// Runs the image lifecycle sweep periodically. Spawn it detached: the sweep
// blocks on storage and on the database pool.
#pragma once

#include <chrono>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

#include "actors/db_call.hpp"
#include "adapters/storage/blob_storage.hpp"

namespace khaacho {

struct image_sweeper_config {
  db_client db;
  storage::blob_storage* storage = nullptr;  ///< outlives the actor
  int64_t retention_days = 90;
  std::chrono::seconds interval{3600};
  int64_t batch = 500;
};

/// `sys.spawn<caf::detached>(image_sweeper, cfg)`; sweeps at once, then every
/// interval, and on demand when sent sweep_atom.
caf::behavior image_sweeper(caf::event_based_actor* self, image_sweeper_config cfg);

}  // namespace khaacho
