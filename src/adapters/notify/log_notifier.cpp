// Logs notifications instead of sending them; recipients are masked because
// log lines travel further than the outbox table.
#include "adapters/notify/log_notifier.hpp"

#include "adapters/http/curl_json_client.hpp"
#include "common/log.hpp"

namespace khaacho::notify {

std::string mask_recipient(const std::string& recipient) {
  auto r = http_client::printable(recipient, 254);
  auto at = r.rfind('@');
  if (at != std::string::npos)
    return (at > 0 ? r.substr(0, 1) : std::string{}) + "***" + r.substr(at);
  // Country and operator prefix plus the last four digits, as a bank would show.
  if (r.size() > 10)
    return r.substr(0, 6) + "****" + r.substr(r.size() - 4);
  if (r.size() > 4)
    return "****" + r.substr(r.size() - 2);
  return "****";
}

caf::expected<send_receipt> log_notifier::send(const outgoing_message& msg) {
  auto key = http_client::printable(msg.idempotency_key, 64);
  // The writer escapes what JSON needs; UTF-8 subjects stay readable.
  log::info("notification written to the log only (channel off in notify.*)",
            {{"channel", channel_},
             {"recipient", mask_recipient(msg.recipient)},
             {"idempotency_key", key},
             {"subject", msg.subject.substr(0, 200)}});
  log::debug("notification text", {{"idempotency_key", key}, {"text", msg.text}});
  return send_receipt{"log:" + msg.idempotency_key};
}

}  // namespace khaacho::notify
