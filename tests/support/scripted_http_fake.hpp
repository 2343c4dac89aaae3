// The machinery the loopback fakes of outside HTTP APIs (OpenAI, Vision,
// WhatsApp) share: an httplib server on a free 127.0.0.1 port in its own
// thread, a record of every request, and scripted answers served in order,
// each after its delay (cut short on shutdown). Each fake adds only its API's
// answer shapes and which paths it serves.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
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

/// One scripted HTTP answer.
struct scripted_reply {
  int status = 200;
  std::string body;
  std::map<std::string, std::string> headers;
  std::chrono::milliseconds delay{0};  ///< waited before answering (cut short on shutdown)
};

/// What a fake saw of one request.
struct recorded_request {
  std::string method;
  std::string path;
  std::string authorization;
  std::string key;  ///< the `key` query parameter (Google API keys)
  std::string content_type;
  std::string traceparent;  ///< the W3C trace header ("" when absent)
  std::string body;
};

class scripted_http_fake {
public:
  /// The answer for a request once its scripted (or default) reply was
  /// chosen and waited for: the reply itself, or an error for a path the
  /// API does not have.
  using route = std::function<scripted_reply(const httplib::Request&, scripted_reply)>;

  /// `fallback` answers when the script is empty; `content_type` is set on
  /// every answer; `name` appears in start-up errors.
  scripted_http_fake(std::string name, std::function<scripted_reply()> fallback, route check,
                     std::string content_type);
  ~scripted_http_fake();
  scripted_http_fake(const scripted_http_fake&) = delete;
  scripted_http_fake& operator=(const scripted_http_fake&) = delete;

  int port() const { return port_; }
  void script(scripted_reply reply);
  std::vector<recorded_request> requests() const;

private:
  void handle(const httplib::Request& req, httplib::Response& res);

  std::function<scripted_reply()> fallback_;
  route check_;
  std::string content_type_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mtx_;
  std::condition_variable stopping_cv_;
  bool stopping_ = false;
  std::deque<scripted_reply> script_;
  std::vector<recorded_request> requests_;
};

}  // namespace khaacho::test
