// The HTTP front door on cpp-httplib: owns the server and its listener thread.
// Handlers run on httplib's own threads (not CAF's), so they may wait on an
// actor through a function_view with a timeout.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <caf/expected.hpp>

namespace httplib {
class Server;
}

namespace khaacho::http {

class deadline_server;

class http_server {
public:
  struct options {
    int threads = 8;                           ///< handler threads of httplib's pool
    std::chrono::seconds read_timeout{10};     ///< per read: a silent client is dropped
    std::chrono::seconds write_timeout{10};
    size_t max_body_bytes = 11 * 1024 * 1024;  ///< larger Content-Length: 413 unread
  };

  explicit http_server(options opts);
  explicit http_server(int threads) : http_server(options{threads}) {
  }
  ~http_server();

  /// Where routes are registered, before start().
  httplib::Server& routes();

  /// Binds `host:port`; port 0 picks a free one. Returns the bound port.
  caf::expected<int> bind(const std::string& host, int port);

  /// Serves on a background thread until stop().
  void start();

  /// Stops accepting, lets running handlers finish, joins the thread.
  void stop();

  /// Graceful stop for SIGTERM (BLOCKS up to about `budget`): stops accepting
  /// at once, lets running exchanges finish for up to `budget`, then cuts the
  /// reading side of every connection still open (a body still arriving ends
  /// early; its route sees cut_off() and answers 503) and joins. False when
  /// connections had to be cut.
  bool drain(std::chrono::milliseconds budget);

  /// True once drain() cut the remaining connections; routes read it from
  /// handler threads to tell a cut-off body from a truncated one.
  const std::atomic<bool>& cut_off() const { return cut_off_; }

private:
  std::unique_ptr<deadline_server> server_;
  std::thread listener_;
  int listen_fd_ = -1;  ///< seen in the socket-options hook, for the backlog
  std::atomic<bool> listener_done_{false};
  std::atomic<bool> cut_off_{false};
};

}  // namespace khaacho::http
