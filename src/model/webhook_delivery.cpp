#include "model/webhook_delivery.hpp"

namespace khaacho::model {

std::string to_string(attempt_result r) {
  switch (r) {
    case attempt_result::delivered: return "delivered";
    case attempt_result::refused: return "refused";
    case attempt_result::retry: return "retry";
  }
  return "unknown";
}

attempt_result result_of_status(long status) {
  if (status >= 200 && status < 300)
    return attempt_result::delivered;
  if (status == 408 || status == 425 || status == 429 || (status >= 500 && status < 600))
    return attempt_result::retry;
  return attempt_result::refused;
}

delivery_step next_delivery_step(attempt_result r, int32_t attempts, int32_t max_attempts,
                                 const backoff_policy& policy, double uniform01,
                                 std::optional<std::chrono::milliseconds> retry_after) {
  switch (r) {
    case attempt_result::delivered:
      return {"SENT", {}};
    case attempt_result::refused:
      return {"FAILED", {}};
    case attempt_result::retry:
      break;
  }
  if (attempts >= max_attempts)
    return {"FAILED", {}};
  return {"PENDING", backoff_delay(policy, attempts, uniform01, retry_after)};
}

}  // namespace khaacho::model
