// One outside channel that tells a wholesaler about an RFQ: WhatsApp Cloud
// API, SMTP e-mail, or (the embedded default) the log. The notify stage owns
// the outbox rows; a notifier only makes one delivery attempt per call.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "config/settings.hpp"

namespace khaacho::notify {

/// What to deliver. The idempotency key is the outbox row's and stays the
/// same across retries, so a provider (or the receiving mailbox, through the
/// Message-ID) can drop a duplicate whose first outcome was unknown.
struct outgoing_message {
  std::string channel;          ///< "whatsapp" | "email"
  std::string recipient;        ///< E.164 phone (+977...) or e-mail address
  std::string idempotency_key;  ///< UUID text
  std::string subject;          ///< e-mail subject line
  std::string text;             ///< plain-text RFQ (e-mail body, log line)
  /// Body parameters of the WhatsApp template, in order.
  std::vector<std::string> template_params;
};

struct send_receipt {
  std::string provider_message_id;  ///< "wamid....", the SMTP Message-ID, or "log:<key>"
};

/// Failures are caf::errors of errc: upstream_rejected (4xx, bad recipient:
/// permanent, the row ends FAILED), upstream_unavailable (429/5xx, refused
/// connection: nothing was delivered, retry), timeout (the call may or may
/// not have delivered: the outcome is unknown, retry with the same key).
class notifier {
 public:
  virtual ~notifier() = default;
  virtual std::string channel() const = 0;
  virtual caf::expected<send_receipt> send(const outgoing_message& msg) = 0;
};

/// The notifier of `channel` ("whatsapp" | "email") per the settings: the
/// real adapter when that channel is enabled, else the log-only one.
std::unique_ptr<notifier> make_notifier(const std::string& channel,
                                        const config::notify_settings& s);

}  // namespace khaacho::notify
