// The loopback SMTP sink: one thread per session, replies per the script.
#include "support/smtp_sink.hpp"

#include <cctype>

namespace khaacho::test {

namespace {

bool starts_with_ci(const std::string& line, std::string_view prefix) {
  if (line.size() < prefix.size())
    return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(line[i])) != prefix[i])
      return false;
  return true;
}

/// The address between '<' and '>' of a MAIL FROM or RCPT TO line.
std::string path_of(const std::string& line) {
  auto open = line.find('<');
  auto close = line.find('>', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos)
    return {};
  return line.substr(open + 1, close - open - 1);
}

std::string reply_line(int code) {
  switch (code) {
    case 250: return "250 2.0.0 OK\r\n";
    case 354: return "354 End data with <CR><LF>.<CR><LF>\r\n";
    case 450: return "450 4.2.1 Mailbox busy, try later\r\n";
    case 451: return "451 4.3.0 Local error, try again later\r\n";
    case 550: return "550 5.1.1 No such user here\r\n";
    case 554: return "554 5.6.0 Message refused\r\n";
    default: return std::to_string(code) + " scripted reply\r\n";
  }
}

}  // namespace

std::string base64_text(std::string_view bytes) {
  static constexpr char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += alphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0)
    out += alphabet[(acc << (6 - bits)) & 63];
  while (out.size() % 4 != 0)
    out += '=';
  return out;
}

smtp_sink::smtp_sink()
  : listener_(std::make_unique<loopback_listener>(
    [this](int fd, const std::atomic<bool>& stopping) { session(fd, stopping); })) {
}

smtp_sink::~smtp_sink() {
  listener_.reset();  // joins the sessions while the members still exist
}

std::string smtp_sink::url() const {
  return "smtp://127.0.0.1:" + std::to_string(listener_->port());
}

void smtp_sink::set_script(smtp_script script) {
  std::lock_guard<std::mutex> guard{mtx_};
  script_ = std::move(script);
}

void smtp_sink::refuse_connections() {
  listener_->stop_listening();
}

std::vector<smtp_message> smtp_sink::messages() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return messages_;
}

std::vector<std::string> smtp_sink::commands() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return commands_;
}

void smtp_sink::session(int fd, const std::atomic<bool>& stopping) {
  smtp_script script;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    script = script_;
  }
  wait_unless_stopping(script.stall_greeting, stopping);
  if (stopping || !send_all(fd, "220 khaacho-sink ESMTP ready\r\n"))
    return;
  line_reader in{fd, stopping};
  smtp_message current;
  bool authenticated = false;
  for (;;) {
    auto line = in.read_line();
    if (!line)
      return;
    {
      // Re-read per command: a client may reuse this connection after the
      // test changed the script.
      std::lock_guard<std::mutex> guard{mtx_};
      commands_.push_back(*line);
      script = script_;
    }
    if (starts_with_ci(*line, "EHLO")) {
      std::string caps = "250-khaacho-sink greets you\r\n250-8BITMIME\r\n";
      if (!script.user.empty())
        caps += "250-AUTH PLAIN\r\n";
      caps += "250 SIZE 10485760\r\n";
      send_all(fd, caps);
    } else if (starts_with_ci(*line, "HELO")) {
      send_all(fd, "250 khaacho-sink\r\n");
    } else if (starts_with_ci(*line, "AUTH PLAIN")) {
      auto given = line->size() > 11 ? line->substr(11) : std::string{};
      if (given.empty()) {
        send_all(fd, "334 \r\n");
        auto next = in.read_line();
        if (!next)
          return;
        given = *next;
      }
      auto expected = base64_text(std::string{'\0'} + script.user + '\0' + script.password);
      authenticated = given == expected;
      send_all(fd, authenticated ? "235 2.7.0 Authentication successful\r\n"
                                 : "535 5.7.8 Authentication credentials invalid\r\n");
    } else if (starts_with_ci(*line, "MAIL FROM:")) {
      if (!authenticated && !script.user.empty()) {
        send_all(fd, "530 5.7.0 Authentication required\r\n");
        continue;
      }
      current = smtp_message{};
      current.mail_from = path_of(*line);
      send_all(fd, "250 2.1.0 Sender OK\r\n");
    } else if (starts_with_ci(*line, "RCPT TO:")) {
      if (script.rcpt_reply == 250)
        current.rcpt_to.push_back(path_of(*line));
      send_all(fd, reply_line(script.rcpt_reply));
    } else if (starts_with_ci(*line, "DATA")) {
      if (current.rcpt_to.empty()) {
        send_all(fd, "503 5.5.1 No valid recipients\r\n");
        continue;
      }
      wait_unless_stopping(script.stall_data_command, stopping);
      send_all(fd, reply_line(script.data_reply));
      if (script.data_reply != 354)
        continue;
      for (;;) {
        auto data_line = in.read_line();
        if (!data_line)
          return;
        if (*data_line == ".")
          break;
        current.raw += *data_line + "\r\n";
        // RFC 5321 4.5.2: the receiver drops the first of a line's leading dots.
        current.data += (!data_line->empty() && data_line->front() == '.' ? data_line->substr(1)
                                                                            : *data_line)
                        + "\r\n";
      }
      {
        std::lock_guard<std::mutex> guard{mtx_};
        messages_.push_back(current);
      }
      current = smtp_message{};
      if (script.hang_up_after_message)
        return;
      wait_unless_stopping(script.stall_verdict, stopping);
      send_all(fd, reply_line(script.end_reply));
    } else if (starts_with_ci(*line, "RSET")) {
      current = smtp_message{};
      send_all(fd, "250 2.0.0 Reset\r\n");
    } else if (starts_with_ci(*line, "NOOP")) {
      send_all(fd, "250 2.0.0 OK\r\n");
    } else if (starts_with_ci(*line, "QUIT")) {
      send_all(fd, "221 2.0.0 Bye\r\n");
      return;
    } else {
      send_all(fd, "502 5.5.2 Command not recognized\r\n");
    }
  }
}

}  // namespace khaacho::test
