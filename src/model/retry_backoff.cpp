#include "model/retry_backoff.hpp"

#include <algorithm>
#include <cmath>

namespace khaacho::model {

std::chrono::milliseconds backoff_cap(const backoff_policy& policy, int32_t failed_attempts) {
  auto n = std::max(1, failed_attempts);
  // Doubling past 2^40 overflows nothing in double and is far beyond any max.
  double cap = static_cast<double>(policy.initial.count()) * std::pow(2.0, std::min(n - 1, 40));
  cap = std::min(cap, static_cast<double>(policy.max.count()));
  return std::chrono::milliseconds{static_cast<int64_t>(cap)};
}

std::chrono::milliseconds backoff_delay(const backoff_policy& policy, int32_t failed_attempts,
                                        double uniform01,
                                        std::optional<std::chrono::milliseconds> retry_after) {
  auto cap = backoff_cap(policy, failed_attempts);
  auto u = policy.jitter ? std::clamp(uniform01, 0.0, 1.0) : 1.0;
  auto delay = std::chrono::milliseconds{static_cast<int64_t>(static_cast<double>(cap.count()) * u)};
  if (retry_after && *retry_after > delay)
    delay = std::min(*retry_after, policy.max);
  return delay;
}

}  // namespace khaacho::model
