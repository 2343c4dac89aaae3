// Picks the blob storage backend that the configuration names.
#include "adapters/storage/blob_storage.hpp"

#include "adapters/storage/gcs_storage.hpp"
#include "adapters/storage/local_storage.hpp"
#include "common/errc.hpp"

namespace khaacho::storage {

caf::expected<std::unique_ptr<blob_storage>> make_blob_storage(const config::storage_settings& s) {
  if (s.backend == "local") {
    auto local = local_storage::open(s.local_root);
    if (!local)
      return std::move(local.error());
    return std::unique_ptr<blob_storage>{std::move(*local)};
  }
  if (s.backend == "gcs") {
    if (s.gcs_bucket.empty())
      return caf::make_error(errc::bad_input,
                             "key 'storage.gcs-bucket' must be set when storage.backend is gcs");
    return std::unique_ptr<blob_storage>{std::make_unique<gcs_storage>(s)};
  }
  return caf::make_error(errc::bad_input, "key 'storage.backend' must be local or gcs, not '"
                                            + s.backend + "'");
}

}  // namespace khaacho::storage
