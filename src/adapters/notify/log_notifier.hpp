// The embedded default notifier: one structured log line per message instead
// of a delivery, for channels that are switched off (and for development).
#pragma once

#include <string>

#include "adapters/notify/notifier.hpp"

namespace khaacho::notify {

/// Logs each message at info (channel, masked recipient, idempotency key,
/// subject) and its text at debug. Never fails, never blocks beyond the
/// logger; any thread.
class log_notifier final : public notifier {
public:
  /// `channel` is the one this notifier stands in for ("whatsapp" | "email").
  explicit log_notifier(std::string channel) : channel_(std::move(channel)) {}

  // notifier

  std::string channel() const override { return channel_; }

  /// Receipt "log:<idempotency key>".
  caf::expected<send_receipt> send(const outgoing_message& msg) override;

private:
  std::string channel_;
};

/// Enough of a recipient to tell two apart in a log, not enough to contact
/// them: "+97798****1953", "r***@example.com".
std::string mask_recipient(const std::string& recipient);

}  // namespace khaacho::notify
