// Delivers one webhook POST to a retailer's endpoint. The sender owns the
// outbox rows; a poster makes one attempt per call and says how it ended.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <caf/expected.hpp>

namespace khaacho::webhook {

/// One attempt of one delivery. The delivery id and the body are the same on
/// every attempt of a delivery, so a receiver can drop a redelivery.
struct webhook_post {
  std::string url;          ///< as registered (validated again before sending)
  std::string delivery_id;  ///< UUID text, sent as Khaacho-Delivery
  std::string body;         ///< the JSON event, signed byte for byte
  std::string secret;       ///< the webhook's HMAC key; never logged or echoed
};

/// Any HTTP answer the receiver gave, whatever its status.
struct webhook_answer {
  long status = 0;
  /// The receiver's Retry-After (seconds or an HTTP date), when it sent one.
  std::optional<std::chrono::milliseconds> retry_after;
};

/// Failures are caf::errors of errc: upstream_rejected — the URL is invalid
/// or names (or resolves to) an address the policy forbids, nothing was sent
/// (permanent); upstream_unavailable — nothing was delivered (name not
/// resolved, connection refused, TLS failure): retry; timeout — the request
/// may have reached the receiver (no answer in time, connection reset after
/// sending): retry with the same delivery id.
class webhook_poster {
 public:
  virtual ~webhook_poster() = default;
  /// BLOCKING: at most the poster's send timeout (plus name resolution).
  virtual caf::expected<webhook_answer> post(const webhook_post& p) = 0;
};

}  // namespace khaacho::webhook
