// The HTTP front door on cpp-httplib: owns the server and its listener thread.
// Handlers run on httplib's own threads (not CAF's), so they may wait on an
// actor through a function_view with a timeout.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include <caf/expected.hpp>

namespace httplib {
class Server;
}

namespace khaacho::http {

class http_server {
public:
  /// `threads`: handler threads of httplib's pool.
  explicit http_server(int threads);
  ~http_server();

  /// Where routes are registered, before start().
  httplib::Server& routes() { return *server_; }

  /// Binds `host:port`; port 0 picks a free one. Returns the bound port.
  caf::expected<int> bind(const std::string& host, int port);

  /// Serves on a background thread until stop().
  void start();

  /// Stops accepting, lets running handlers finish, joins the thread.
  void stop();

private:
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
};

}  // namespace khaacho::http
