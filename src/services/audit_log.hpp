// The admin audit log (migrations/0008_admin_audit.sql): one row per write
// action an authenticated caller asked for, refused ones included.
// BLOCKING: call from HTTP handler threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "actors/db_call.hpp"

namespace khaacho::services {

struct audit_entry {
  std::string actor_sub;
  std::string actor_role;  ///< retailer | operator | admin
  std::string action;      ///< retry | cancel | run-now | pause | resume
  std::string target;      ///< order id or stage name, as asked
  std::string outcome;     ///< "applied", or the error code of the refusal
  int http_status = 0;
  std::string detail;
  std::string request_id;
};

struct audit_page {
  std::vector<std::string> items;  ///< JSON objects, newest first
  std::optional<int64_t> next;     ///< id to continue below
};

class audit_log {
public:
  explicit audit_log(db_client db) : db_(std::move(db)) {
  }

  caf::expected<void> record(const audit_entry& e) const;

  /// Newest first; `before` is the previous page's cursor; `target` narrows
  /// to one order or stage.
  caf::expected<audit_page> list(int limit, std::optional<int64_t> before,
                                 std::optional<std::string> target) const;

private:
  db_client db_;
};

}  // namespace khaacho::services
