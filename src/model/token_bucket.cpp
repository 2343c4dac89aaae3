#include "model/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace khaacho::model {

token_bucket::token_bucket(double rate, double burst, time_point now) noexcept
  : rate_(rate), burst_(std::max(1.0, burst)), tokens_(burst_), last_(now) {
}

double token_bucket::level(time_point now) const noexcept {
  // A clock that went backwards refills nothing rather than draining.
  auto elapsed = std::chrono::duration<double>(std::max(now, last_) - last_).count();
  return std::min(burst_, tokens_ + elapsed * rate_);
}

bool token_bucket::try_take(time_point now, std::chrono::milliseconds& retry_after) noexcept {
  tokens_ = level(now);
  last_ = std::max(now, last_);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    retry_after = std::chrono::milliseconds{0};
    return true;
  }
  auto wait_s = (1.0 - tokens_) / rate_;
  retry_after = std::chrono::milliseconds{static_cast<int64_t>(std::ceil(wait_s * 1000.0))};
  return false;
}

bool token_bucket::full(time_point now) const noexcept {
  return level(now) >= burst_;
}

}  // namespace khaacho::model
