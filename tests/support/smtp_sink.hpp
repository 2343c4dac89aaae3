// A minimal SMTP server on 127.0.0.1 (RFC 5321: EHLO, AUTH PLAIN, MAIL, RCPT,
// DATA, RSET, NOOP, QUIT) that records what arrives and fails on request,
// for the smtp_notifier tests.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "support/loopback_listener.hpp"

namespace khaacho::test {

/// One message as the sink took it.
struct smtp_message {
  std::string mail_from;            ///< the address inside MAIL FROM:<...>
  std::vector<std::string> rcpt_to;  ///< accepted RCPT TO addresses
  std::string raw;   ///< DATA lines as sent (dot-stuffed), CRLF ends, without the final "."
  std::string data;  ///< the same with dot-stuffing undone: the message itself
};

/// How the sink misbehaves; the defaults accept everything at once.
struct smtp_script {
  int rcpt_reply = 250;  ///< e.g. 550 (mailbox unavailable) or 450
  int data_reply = 354;  ///< the reply to the DATA command, e.g. 451
  int end_reply = 250;   ///< the verdict after the final ".", e.g. 554 or 451
  /// Silence before the greeting, after the DATA command, and after the
  /// final "." (cut short when the sink is destroyed).
  std::chrono::milliseconds stall_greeting{0};
  std::chrono::milliseconds stall_data_command{0};
  std::chrono::milliseconds stall_verdict{0};
  /// Close the connection after the final "." instead of answering.
  bool hang_up_after_message = false;
  /// When set, AUTH PLAIN is advertised and must match these.
  std::string user;
  std::string password;
};

/// Serves SMTP (no TLS: STARTTLS is not offered) until destroyed.
class smtp_sink {
public:
  smtp_sink();
  ~smtp_sink();

  /// smtp://127.0.0.1:PORT
  std::string url() const;

  void set_script(smtp_script script);

  /// Closes the listener: later connections are refused.
  void refuse_connections();

  /// Messages taken (recorded before the verdict is sent, whatever it is).
  std::vector<smtp_message> messages() const;

  /// Every command line received, in order (DATA content excluded).
  std::vector<std::string> commands() const;

private:
  void session(int fd, const std::atomic<bool>& stopping);

  mutable std::mutex mtx_;
  smtp_script script_;
  std::vector<smtp_message> messages_;
  std::vector<std::string> commands_;
  std::unique_ptr<loopback_listener> listener_;  ///< last: its sessions use the members above
};

/// Standard base64 with padding (for AUTH PLAIN in tests).
std::string base64_text(std::string_view bytes);

}  // namespace khaacho::test
