// Blob storage in a Google Cloud Storage bucket over the JSON API (libcurl),
// authenticated with a fixed bearer token or one from the metadata server.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "adapters/storage/blob_storage.hpp"
#include "config/settings.hpp"

namespace khaacho::storage {

/// Deadlines of every HTTP call (GCS and the metadata server).
struct gcs_timeouts {
  std::chrono::milliseconds connect{5000};
  std::chrono::milliseconds total{30000};
};

/// Objects in `s.gcs_bucket`, addressed by `s.gcs_endpoint` (tests point it at
/// a loopback fake). Thread-safe: one curl easy handle per call, the cached
/// token behind a mutex. Every member BLOCKS for at most the total timeout
/// (a token fetch first may add one more).
///
/// Errors of every call: errc::bad_input (invalid key),
/// errc::upstream_unavailable (transport failure, timeout, 408, 429, 5xx),
/// errc::upstream_rejected (401, 403, other 4xx). Messages never contain the
/// token.
class gcs_storage final : public blob_storage {
public:
  /// Uses `s.gcs_token` when set, else fetches tokens from
  /// `s.gcs_metadata_url` (header `Metadata-Flavor: Google`) and caches each
  /// until 60 s before it expires. Does no I/O itself.
  explicit gcs_storage(const config::storage_settings& s, gcs_timeouts timeouts = {});
  ~gcs_storage() override;

  // blob_storage

  /// POST {endpoint}/upload/storage/v1/b/{bucket}/o?uploadType=media&name={key}
  caf::expected<void> put(const std::string& key, std::string_view bytes,
                          const std::string& content_type) override;
  /// GET .../o/{key}?alt=media; 404 is errc::not_found.
  caf::expected<std::string> get(const std::string& key) override;
  /// DELETE .../o/{key}; 404 is false.
  caf::expected<bool> remove(const std::string& key) override;
  /// GET .../o/{key} (metadata); 404 is false.
  caf::expected<bool> exists(const std::string& key) override;
  /// gs://bucket/key
  std::string url_for(const std::string& key) const override;
  std::string name() const override { return "gcs"; }

private:
  /// The bearer token, fetched or cached. Holding the mutex during a fetch
  /// makes concurrent callers wait for one fetch instead of each doing one.
  caf::expected<std::string> token();
  /// Forgets a fetched token (after a 401) so the next call fetches afresh.
  void drop_token(const std::string& rejected);
  /// Sends `method` to an object `url` with the bearer token. Answers 2xx
  /// and 404 with the status (the body moved into `*body` when given); any
  /// other answer is the error.
  caf::expected<long> object_call(const char* method, const std::string& url,
                                  const std::string& what, std::string* body);
  /// The error for an unexpected HTTP `status` (after dropping a rejected token).
  caf::error failure(long status, const std::string& body, const std::string& token,
                     const std::string& what);
  std::string object_url(const std::string& key) const;

  std::string bucket_;
  std::string endpoint_;  ///< without a trailing '/'
  std::string fixed_token_;
  std::string metadata_url_;
  gcs_timeouts timeouts_;

  std::mutex token_mutex_;
  std::string cached_token_;                            ///< guarded by token_mutex_
  std::chrono::steady_clock::time_point refresh_at_;    ///< guarded by token_mutex_
};

}  // namespace khaacho::storage
