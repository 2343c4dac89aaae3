#include "services/rate_limiter.hpp"

namespace khaacho::services {

bool rate_limiter::allow(const std::string& key, std::chrono::milliseconds& retry_after) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> guard{mtx_};
  if (buckets_.size() >= prune_at_)
    prune(now);
  auto it = buckets_.find(key);
  if (it == buckets_.end())
    it = buckets_.emplace(key, model::token_bucket{rate_, burst_, now}).first;
  return it->second.try_take(now, retry_after);
}

void rate_limiter::prune(model::token_bucket::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();)
    it = it->second.full(now) ? buckets_.erase(it) : std::next(it);
  // Many keys genuinely active: grow the threshold instead of pruning on
  // every call.
  prune_at_ = std::max<size_t>(1024, buckets_.size() * 2);
}

inflight_gate::slot::~slot() {
  if (gate_ != nullptr) {
    std::lock_guard<std::mutex> guard{gate_->mtx_};
    --gate_->count_;
  }
}

inflight_gate::slot inflight_gate::try_enter() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (count_ >= cap_)
    return slot{};
  ++count_;
  return slot{this};
}

int64_t inflight_gate::in_flight() const noexcept {
  std::lock_guard<std::mutex> guard{mtx_};
  return count_;
}

}  // namespace khaacho::services
