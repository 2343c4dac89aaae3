// A token bucket: `burst` tokens, refilled at `rate` per second. Pure: the
// caller passes the time, so tests and the rate limiter agree on the clock.
#pragma once

#include <chrono>

namespace khaacho::model {

class token_bucket {
public:
  using time_point = std::chrono::steady_clock::time_point;

  token_bucket(double rate, double burst, time_point now) noexcept;

  /// Takes one token if there is one. When there is none, returns false and
  /// sets `retry_after` to the wait until the next token.
  bool try_take(time_point now, std::chrono::milliseconds& retry_after) noexcept;

  /// True when the bucket is full at `now` (it can be forgotten).
  bool full(time_point now) const noexcept;

  /// Tokens available at `now` (fractional), for operators' views.
  double available(time_point now) const noexcept { return level(now); }

private:
  double level(time_point now) const noexcept;

  double rate_;
  double burst_;
  double tokens_;
  time_point last_;
};

}  // namespace khaacho::model
