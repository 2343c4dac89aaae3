// The last line of admission (DESIGN.md "Admission"): when more orders wait
// unowned in the database than node.max-backlog, uploads get 503. The count
// is one index-only query, cached briefly so a burst of uploads costs one.
// BLOCKING (a database round trip when the cache is stale).
#pragma once

#include <chrono>
#include <mutex>

#include "actors/db_call.hpp"

namespace khaacho::services {

class backlog_gate {
public:
  backlog_gate(db_client db, int64_t max_backlog,
               std::chrono::milliseconds refresh = std::chrono::milliseconds{500})
    : db_(std::move(db)), max_backlog_(max_backlog), refresh_(refresh) {
  }

  /// True when the unowned backlog is at or above the limit. A failed count
  /// admits (the upload itself then meets the database outage).
  bool over_limit();

private:
  db_client db_;
  int64_t max_backlog_;
  std::chrono::milliseconds refresh_;
  std::mutex mtx_;
  int64_t cached_ = 0;
  std::chrono::steady_clock::time_point checked_{};
};

}  // namespace khaacho::services
