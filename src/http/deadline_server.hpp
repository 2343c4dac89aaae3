// An httplib::Server whose connections must deliver each request's line and
// headers within a deadline, not merely a byte per read timeout: a client
// trickling one header byte a second (slowloris) is dropped, not served. It
// also knows its open connections, so a graceful stop can cut them.
#pragma once

#include <chrono>
#include <mutex>
#include <unordered_set>

#include <httplib.h>

namespace khaacho::http {

class deadline_server final : public httplib::Server {
public:
  /// `header_deadline`: how long a request line plus headers may take to
  /// arrive, from the first byte awaited (after keep-alive idling).
  explicit deadline_server(std::chrono::milliseconds header_deadline)
    : header_deadline_(header_deadline) {
  }

  /// Called from the pre-routing handler (same thread as the connection):
  /// the headers of the current request are in, the deadline no longer applies.
  static void headers_complete() noexcept;

  /// Shuts the reading side of every connection open now (any thread):
  /// reads return end-of-file, writes still work. Returns how many.
  int shut_reads();

private:
  // httplib::Server: the keep-alive loop of httplib 0.11, on a stream with
  // a header deadline. Runs on a pool thread per connection; closes `sock`.
  bool process_and_close_socket(socket_t sock) override;

  std::chrono::milliseconds header_deadline_;
  /// Sockets between accept and close. A socket leaves the set before it is
  /// closed, under the lock, so shut_reads never touches a descriptor number
  /// the process has already reused for something else.
  std::mutex open_mutex_;
  std::unordered_set<socket_t> open_;
};

}  // namespace khaacho::http
