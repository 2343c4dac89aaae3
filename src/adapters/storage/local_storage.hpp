// Blob storage in a local folder: the default backend, needing no cloud account.
// Writes are atomic and durable (temp file, fsync, rename, fsync of the folder).
#pragma once

#include <memory>
#include <string>

#include <caf/expected.hpp>

#include "adapters/storage/blob_storage.hpp"

namespace khaacho::storage {

/// Objects are files under one root folder, the key being the relative path.
/// Every path component is opened with O_NOFOLLOW from the root down, so a
/// symbolic link inside the root can never lead a key outside it. Temporary
/// files are named `.tmp~<hex>`; '~' is outside the key alphabet, so no key can
/// ever name one (a crash leftover stays invisible to get/exists). Thread-safe:
/// the object holds nothing but the root path. Every member BLOCKS on the disk.
class local_storage final : public blob_storage {
public:
  /// Creates `root` and its missing parents (mode 0750) and remembers its
  /// absolute path (relative roots are resolved against the current folder
  /// now, once). Errors: errc::storage_failed (cannot create the folder).
  static caf::expected<std::unique_ptr<local_storage>> open(const std::string& root);

  /// Absolute path of the root folder, without a trailing '/'.
  const std::string& root() const noexcept { return root_; }

  // blob_storage

  /// Errors also: errc::bad_input when an existing component is a symlink.
  caf::expected<void> put(const std::string& key, std::string_view bytes,
                          const std::string& content_type) override;
  caf::expected<std::string> get(const std::string& key) override;
  caf::expected<bool> remove(const std::string& key) override;
  caf::expected<bool> exists(const std::string& key) override;
  std::string url_for(const std::string& key) const override;
  std::string name() const override { return "local"; }
  /// Walks the root (symlinks are not followed); files whose relative path is
  /// not a valid key are skipped.
  caf::expected<std::vector<blob_entry>> list_written(std::chrono::seconds min_age,
                                                      std::chrono::seconds max_age) override;
  caf::expected<int64_t> remove_leftovers(std::chrono::seconds min_age) override;

private:
  explicit local_storage(std::string absolute_root) : root_(std::move(absolute_root)) {}

  std::string root_;
};

}  // namespace khaacho::storage
