#include "services/backlog_gate.hpp"

namespace khaacho::services {

bool backlog_gate::over_limit() {
  std::lock_guard<std::mutex> guard{mtx_};
  auto now = std::chrono::steady_clock::now();
  if (now - checked_ >= refresh_) {
    auto rows = db_.query({"SELECT count(*) AS n FROM uploaded_orders"
                           " WHERE status = 'PROCESSING' AND owner_node IS NULL",
                           {}});
    if (rows && !rows->empty()) {
      cached_ = rows->row(0).get<int64_t>("n");
      checked_ = now;
    }
  }
  return cached_ >= max_backlog_;
}

}  // namespace khaacho::services
