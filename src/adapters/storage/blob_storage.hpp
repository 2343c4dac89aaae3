// Blob storage for order images: one interface, a local-filesystem backend
// (the default) and Google Cloud Storage over its JSON API. Every member
// BLOCKS (disk or network): call it from HTTP worker threads, detached actors
// or a dedicated pool, never from CAF's cooperative scheduler.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

#include "config/settings.hpp"

namespace khaacho::storage {

/// True for keys the service produces and accepts: relative, '/'-separated
/// segments of [A-Za-z0-9._-], no empty, "." or ".." segment, no leading '/',
/// at most 512 bytes. Every backend refuses other keys (errc::bad_input), so a
/// key can never escape the storage root or address another bucket.
bool is_valid_key(std::string_view key) noexcept;

/// One stored object as a listing reports it.
struct blob_entry {
  std::string key;
  uint64_t size = 0;
  std::chrono::system_clock::time_point updated;
};

class blob_storage {
public:
  virtual ~blob_storage() = default;

  /// Stores `bytes` under `key`, replacing what was there. Durable when it
  /// returns: a crash never leaves a partial object under `key`.
  /// Errors: errc::bad_input (invalid key), errc::storage_failed /
  /// errc::upstream_unavailable (transient), errc::upstream_rejected.
  virtual caf::expected<void> put(const std::string& key, std::string_view bytes,
                                  const std::string& content_type) = 0;

  /// The object's bytes. Errors: errc::not_found, errc::bad_input, transient ones.
  virtual caf::expected<std::string> get(const std::string& key) = 0;

  /// Deletes the object; true if it existed, false if it did not (not an error).
  virtual caf::expected<bool> remove(const std::string& key) = 0;

  virtual caf::expected<bool> exists(const std::string& key) = 0;

  /// The URL clients see as `imageUrl` (gs://bucket/key, or local:key for the
  /// local backend, which never shows the server's path); it is
  /// informational, the key is what the service uses.
  virtual std::string url_for(const std::string& key) const = 0;

  /// Short name for logs and /readyz: "local" or "gcs".
  virtual std::string name() const = 0;

  /// Objects last written between `max_age` and `min_age` ago (BLOCKS: walks
  /// the store), for the start-up orphan sweep. Backends that cannot list
  /// answer an empty list.
  virtual caf::expected<std::vector<blob_entry>> list_written(std::chrono::seconds min_age,
                                                              std::chrono::seconds max_age) {
    (void)min_age;
    (void)max_age;
    return std::vector<blob_entry>{};
  }

  /// Deletes temporary files a crash left behind (older than `min_age`);
  /// returns how many. BLOCKS. Backends without temporary files answer 0.
  virtual caf::expected<int64_t> remove_leftovers(std::chrono::seconds min_age) {
    (void)min_age;
    return int64_t{0};
  }
};

/// The backend that `s.storage.backend` names. Errors: errc::bad_input
/// (unknown backend, missing bucket), errc::storage_failed (root not creatable).
caf::expected<std::unique_ptr<blob_storage>> make_blob_storage(const config::storage_settings& s);

}  // namespace khaacho::storage
