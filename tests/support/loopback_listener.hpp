// A bare TCP listener on 127.0.0.1 for test peers that speak a protocol by
// hand (SMTP, or HTTP peers that misbehave below what cpp-httplib allows).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace khaacho::test {

/// Accepts connections on a free loopback port from its own thread and runs
/// `session` for each on a thread of its own, until destroyed. Destruction
/// shuts every open connection down (so blocked reads return) and joins.
class loopback_listener {
public:
  /// Called with the connected socket; the listener closes it afterwards.
  /// `stopping` turns true when the listener is being destroyed.
  using session_fn = std::function<void(int fd, const std::atomic<bool>& stopping)>;

  explicit loopback_listener(session_fn session);
  ~loopback_listener();
  loopback_listener(const loopback_listener&) = delete;
  loopback_listener& operator=(const loopback_listener&) = delete;

  int port() const { return port_; }

  /// Closes the listening socket: from now on connecting is refused. Open
  /// sessions go on.
  void stop_listening();

private:
  void accept_loop();

  session_fn session_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stop_accepting_{false};
  std::thread acceptor_;
  std::mutex mtx_;
  std::vector<int> open_fds_;
  std::vector<std::thread> sessions_;
};

/// Reads CRLF- (or LF-) terminated lines from a socket, with deadlines.
class line_reader {
public:
  line_reader(int fd, const std::atomic<bool>& stopping) : fd_(fd), stopping_(stopping) {}

  /// The next line without its line end; nullopt when the peer closed, the
  /// listener is stopping or `timeout` passed.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = std::chrono::seconds{10});

  /// Reads until the buffer holds `marker` (kept in the buffer); false as read_line fails.
  bool read_until(std::string_view marker, std::chrono::milliseconds timeout);

  /// Reads until the buffer holds at least `n` bytes; false as read_line fails.
  bool read_at_least(size_t n, std::chrono::milliseconds timeout);

  /// Everything read so far and not handed out as a line.
  const std::string& buffered() const { return buffer_; }

private:
  bool fill(std::chrono::steady_clock::time_point deadline);

  int fd_;
  const std::atomic<bool>& stopping_;
  std::string buffer_;
};

/// Writes all of `bytes`; false if the peer is gone (never raises SIGPIPE).
bool send_all(int fd, std::string_view bytes);

/// Sleeps up to `d`, returning early when `stopping` turns true.
void wait_unless_stopping(std::chrono::milliseconds d, const std::atomic<bool>& stopping);

}  // namespace khaacho::test
