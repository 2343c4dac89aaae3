// A webhook receiver on a free 127.0.0.1 port: records every POST with its
// Khaacho-* headers, checks the signature as a real receiver would, and
// answers with scripted statuses (200 when the script is empty).
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace khaacho::test {

struct webhook_hit {
  std::string path;
  std::string content_type;
  std::string event;
  std::string delivery_id;
  std::string timestamp;
  std::string signature;
  std::string body;
  bool signature_valid = false;  ///< against the secret set when it arrived
};

struct webhook_answer_script {
  int status = 200;
  std::map<std::string, std::string> headers;
  std::chrono::milliseconds delay{0};  ///< before answering (cut short on shutdown)
};

class webhook_peer {
public:
  webhook_peer();
  ~webhook_peer();
  webhook_peer(const webhook_peer&) = delete;
  webhook_peer& operator=(const webhook_peer&) = delete;

  int port() const { return port_; }
  /// "http://127.0.0.1:<port><path>"
  std::string url(const std::string& path = "/hook") const;

  /// The secret signatures are checked with from now on.
  void set_secret(std::string secret);
  void script(webhook_answer_script answer);
  std::vector<webhook_hit> hits() const;

  /// Waits until at least `n` requests arrived; false on timeout.
  bool wait_for(size_t n, std::chrono::milliseconds timeout) const;

private:
  void handle(const httplib::Request& req, httplib::Response& res);

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mtx_;
  mutable std::condition_variable changed_;
  bool stopping_ = false;
  std::string secret_;
  std::deque<webhook_answer_script> script_;
  std::vector<webhook_hit> hits_;
};

}  // namespace khaacho::test
