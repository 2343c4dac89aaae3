// RFQ e-mails over SMTP with libcurl: one plain-text message per send, its
// Message-ID derived from the idempotency key.
#pragma once

#include <memory>
#include <string>

#include "adapters/notify/notifier.hpp"

namespace khaacho::notify {

/// Sends to `smtp_url` (smtp://host:port, or smtps://) from `email_from`;
/// `smtp_tls` none sends in clear, starttls requires STARTTLS, implicit
/// speaks TLS from the start; logs in when `smtp_user` is set. BLOCKING: at
/// most `send_timeout` per send() (connect at most 5 s of it); the session
/// of a successful send is reused, a failed one is dropped. One object per
/// worker thread. The password never appears in an error message.
class smtp_notifier final : public notifier {
public:
  /// Reads the smtp_*, email_from and send_timeout keys. Does no I/O.
  explicit smtp_notifier(const config::notify_settings& s);
  ~smtp_notifier() override;

  // notifier

  std::string channel() const override { return "email"; }

  /// Receipt: the Message-ID, "<idempotency_key@khaacho>"; a mailbox that
  /// got the first try drops a retry by it. Errors:
  /// errc::upstream_rejected — a recipient that is not one plain address (no
  ///   call made); a 5xx reply (to MAIL, RCPT, DATA, the message or login);
  /// errc::upstream_unavailable — nothing was delivered, try later: refused,
  ///   failed or timed-out connection, TLS failure, a 4xx reply, a session
  ///   that broke or stalled before the whole message went out;
  /// errc::timeout — the outcome is unknown: the message went out but the
  ///   server's verdict did not come back within send_timeout (or the
  ///   connection dropped while waiting for it);
  /// errc::bad_input — email_from or the idempotency key cannot go into a
  ///   message (config or caller bug).
  caf::expected<send_receipt> send(const outgoing_message& msg) override;

private:
  struct handle_deleter {
    void operator()(void* h) const noexcept;
  };
  config::notify_settings settings_;
  std::unique_ptr<void, handle_deleter> handle_;  ///< a CURL*, reset before each send
};

}  // namespace khaacho::notify
