// A real `khaacho serve` on a loopback port, with its own scratch database
// (migrated) and storage folder, for end-to-end API tests.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <httplib.h>

#include "adapters/db/pg_connection.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

namespace khaacho::test {

inline const std::string test_jwt_secret(48, 'k');

class khaacho_server {
public:
  /// Starts serve with `flags` added (e.g. "--http.retailer-burst=2") and
  /// waits until /readyz answers 200. The pipeline is off
  /// (--pipeline.enabled=false) unless `flags` choose otherwise.
  explicit khaacho_server(std::vector<std::string> flags = {},
                          std::map<std::string, std::string> env = {});
  ~khaacho_server();

  int port() const { return port_; }
  httplib::Client client() const;
  /// A direct connection to the server's database, for assertions.
  db::pg_connection& db();
  const std::filesystem::path& storage_root() const { return storage_.path(); }
  /// Regular files under the storage root (blobs), recursively.
  std::vector<std::string> stored_files() const;
  child_process& process() { return *proc_; }

  /// Rows of uploaded_orders.
  int64_t order_count();

private:
  scratch_database database_;
  temp_dir storage_;
  int port_ = 0;
  std::unique_ptr<child_process> proc_;
  std::unique_ptr<db::pg_connection> conn_;
};

/// A signed token; role retailer needs a retailer id.
std::string token_for(const std::string& role, const std::string& retailer_id = "",
                      std::chrono::seconds ttl = std::chrono::seconds{600});

/// "Bearer <token>" headers.
httplib::Headers bearer(const std::string& token);

}  // namespace khaacho::test
