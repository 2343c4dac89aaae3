// What happens to a webhook delivery after one attempt: SENT, FAILED for
// good, or PENDING again after a backoff. Pure: the caller supplies the
// random draw for the jitter.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "model/retry_backoff.hpp"

namespace khaacho::model {

/// How one attempt ended, as far as a retry is concerned.
enum class attempt_result {
  delivered,  ///< a 2xx answer
  refused,    ///< permanent: other 3xx/4xx answers, a URL or address we may not reach
  retry,      ///< nothing delivered yet, or unknown: 408, 425, 429, 5xx, network, timeout
};

std::string to_string(attempt_result r);

/// The result of an HTTP status: 2xx delivered; 408, 425, 429 and 5xx retry;
/// everything else (redirects are not followed; 4xx means the receiver
/// refuses this very request, which a retry repeats byte for byte) refused.
attempt_result result_of_status(long status);

struct delivery_step {
  std::string status;                 ///< "SENT" | "FAILED" | "PENDING"
  std::chrono::milliseconds retry_in{0};  ///< for PENDING: wait before the next attempt
};

/// The row's next state after attempt number `attempts` (1-based, already
/// counted) ended with `r`: PENDING with a backoff until `max_attempts`
/// attempts were made, then FAILED. A receiver's Retry-After lengthens the
/// wait (capped by the policy's max).
delivery_step next_delivery_step(attempt_result r, int32_t attempts, int32_t max_attempts,
                                 const backoff_policy& policy, double uniform01,
                                 std::optional<std::chrono::milliseconds> retry_after = {});

}  // namespace khaacho::model
