// How long a failed stage attempt waits before the next one: exponential
// backoff with full jitter (a uniform draw between zero and the exponential
// cap), never longer than the stage's maximum, and never shorter than what
// the outside service asked for (Retry-After). Pure: the caller supplies the
// random draw.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace khaacho::model {

struct backoff_policy {
  std::chrono::milliseconds initial{1000};
  std::chrono::milliseconds max{3600 * 1000};
  /// Full jitter (the default) spreads retries of many orders apart; without
  /// it the wait is exactly the exponential cap (predictable, for tests).
  bool jitter = true;
};

/// The exponential cap before jitter after `failed_attempts` failures
/// (1 → initial, 2 → 2 × initial, ...), at most policy.max.
std::chrono::milliseconds backoff_cap(const backoff_policy& policy, int32_t failed_attempts);

/// The wait before the next attempt: `uniform01` (in [0, 1)) scales the cap;
/// a longer `retry_after` from the service wins (still capped at policy.max).
std::chrono::milliseconds backoff_delay(const backoff_policy& policy, int32_t failed_attempts,
                                        double uniform01,
                                        std::optional<std::chrono::milliseconds> retry_after = {});

}  // namespace khaacho::model
