// The start-up sweep of images without an order: a process killed between
// storing an upload's image and committing its row leaves the image behind
// (and, killed mid-write, a temporary file). Run before the node listens.
#pragma once

#include <chrono>
#include <cstdint>

#include <caf/expected.hpp>

#include "actors/db_call.hpp"
#include "adapters/storage/blob_storage.hpp"

namespace khaacho::services {

struct orphan_sweep_result {
  int64_t leftovers = 0;  ///< temporary files deleted
  int64_t checked = 0;    ///< images looked up
  int64_t removed = 0;    ///< images deleted: no order row names them
};

/// Deletes temporary files older than `min_age`, and images written between
/// `window` and `min_age` ago whose order row does not exist (looked up by
/// the order id in the key, in batches, by primary key). BLOCKS (storage
/// listing, database); call it from a non-CAF thread. `min_age` must exceed
/// the longest time an upload in flight on any node that shares the store
/// can spend between storing its image and committing its row. Errors: the
/// database's (nothing is deleted for a batch that could not be checked).
caf::expected<orphan_sweep_result> sweep_orphan_blobs(const db_client& db,
                                                      storage::blob_storage& store,
                                                      std::chrono::seconds min_age,
                                                      std::chrono::seconds window);

}  // namespace khaacho::services
