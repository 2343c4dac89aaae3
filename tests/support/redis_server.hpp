// A private redis-server for one test, on a free loopback port, that the test
// may stop and start again (the same port; no persistence, so a restart
// loses the stream as a real crash without AOF would).
#pragma once

#include <memory>
#include <string>

#include "adapters/redis/redis_client.hpp"
#include "support/child_process.hpp"

namespace khaacho::test {

class redis_server {
public:
  redis_server();  ///< starts it and waits until it answers PING
  ~redis_server();

  const std::string& url() const { return url_; }
  int port() const { return port_; }

  void stop();   ///< SIGKILL and wait
  void start();  ///< again on the same port

  /// A command through a fresh connection (throws when Redis cannot be reached).
  redis::reply command(const std::vector<std::string>& args);

  /// "calls" of one command in INFO commandstats (e.g. "xadd"), 0 when absent.
  int64_t command_calls(const std::string& name);

private:
  int port_ = 0;
  std::string url_;
  std::unique_ptr<child_process> proc_;
};

}  // namespace khaacho::test
