// The image lifecycle: blobs of orders older than the retention period are
// deleted and their orders marked (image_deleted_at); the orders stay.
// BLOCKING: run from a detached actor.
#pragma once

#include <cstdint>

#include <caf/expected.hpp>

#include "actors/db_call.hpp"
#include "adapters/storage/blob_storage.hpp"

namespace khaacho::services {

struct sweep_report {
  int64_t examined = 0;  ///< orders past retention looked at
  int64_t deleted = 0;   ///< blobs that existed and were deleted
  int64_t missing = 0;   ///< blobs already gone (marked all the same)
  int64_t failed = 0;    ///< storage refused; left for the next sweep
};

/// One pass over at most `batch` orders older than `retention_days`, oldest
/// first. Safe to run on several nodes at once: deleting a blob twice is
/// harmless and marking is conditional.
caf::expected<sweep_report> sweep_expired_images(const db_client& db,
                                                 storage::blob_storage& storage,
                                                 int64_t retention_days, int64_t batch);

}  // namespace khaacho::services
