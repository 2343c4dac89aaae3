// WhatsApp Cloud API: one approved template message per RFQ, sent through
// the Graph API messages endpoint.
#pragma once

#include <string>
#include <vector>

#include "adapters/http/curl_json_client.hpp"
#include "adapters/notify/notifier.hpp"

namespace khaacho::notify {

/// Sends `POST {whatsapp_api_base}/{whatsapp_phone_number_id}/messages` with
/// `Authorization: Bearer {whatsapp_token}`: template `whatsapp_template` in
/// `whatsapp_language`, the message's template_params as body parameters and
/// its idempotency key as biz_opaque_callback_data (echoed in status
/// webhooks; the Cloud API itself does NOT drop a duplicate send).
/// BLOCKING: one call per send(), at most `send_timeout` long; one object per
/// worker thread. The token never appears in an error message.
class whatsapp_notifier final : public notifier {
public:
  /// Reads the whatsapp_* keys and send_timeout. Does no I/O.
  explicit whatsapp_notifier(const config::notify_settings& s);

  // notifier

  std::string channel() const override { return "whatsapp"; }

  /// Receipt: the "wamid...." of `messages[0].id`. Errors:
  /// errc::upstream_rejected — a recipient that is not E.164 (no call made),
  ///   HTTP 400/401/403/404 and other 4xx (template missing, number not on
  ///   WhatsApp, bad token), except the throttling Graph codes below;
  /// errc::upstream_unavailable — nothing was delivered, try later: refused
  ///   or failed connection, 408, 429, 5xx, and Graph codes 2, 4, 80007,
  ///   130429, 131016, 131048, 131056, 133004 whatever the HTTP status (Meta
  ///   sends throttling as 400), with Retry-After when sent;
  /// errc::timeout — the outcome is unknown: no answer within send_timeout,
  ///   or a 2xx without a message id;
  /// errc::bad_input — the configured token or phone number id cannot go
  ///   into a request (config, not the message).
  caf::expected<send_receipt> send(const outgoing_message& msg) override;

private:
  std::string url_;
  std::string token_;
  std::string phone_number_id_;
  std::string template_;
  std::string language_;
  std::vector<std::string> secrets_;
  http_client::curl_json_client client_;
};

/// The digits WhatsApp wants in `to` for an E.164 number ("+977 98-4123
/// 1953" gives "9779841231953"): a leading '+', then 8 to 15 digits, with
/// spaces, '-', '(' and ')' allowed between them. Empty when not E.164.
std::string whatsapp_to(const std::string& e164);

/// The JSON body of a template message to `to` (exposed for tests).
std::string whatsapp_template_body(const std::string& to, const std::string& template_name,
                                   const std::string& language,
                                   const std::vector<std::string>& params,
                                   const std::string& callback_data);

}  // namespace khaacho::notify
