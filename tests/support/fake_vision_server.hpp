// A loopback fake of Google Vision's images:annotate endpoint that replays
// scripted answers of the documented shapes, for the vision_ocr tests.
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

/// One scripted HTTP answer.
struct vision_reply {
  int status = 200;
  std::string body;
  std::map<std::string, std::string> headers;
  std::chrono::milliseconds delay{0};  ///< waited before answering (cut short on shutdown)

  /// 200 with fullTextAnnotation: `text`, one page of 640x480 with one
  /// block per confidence.
  static vision_reply text(const std::string& text, const std::vector<double>& block_confidences);
  /// 200 `{"responses":[{}]}`: Vision found no text.
  static vision_reply empty();
  /// 200 with a per-image `{"error":{"code":..,"message":..}}` (google.rpc.Code).
  static vision_reply image_error(int code, const std::string& message);
  /// `status` with a Google API error body; Retry-After when `retry_after` is not empty.
  static vision_reply http_error(int status, const std::string& message,
                                 const std::string& retry_after = {});
};

/// What the fake saw of one request.
struct vision_request {
  std::string method;
  std::string path;
  std::string key;  ///< the `key` query parameter
  std::string content_type;
  std::string body;
};

/// Serves POST /v1/images:annotate on 127.0.0.1 on a free port from its own
/// thread until destroyed. Answers the scripted replies in order, then
/// vision_reply::text("FAKE", {0.9}) for every further request.
class fake_vision_server {
public:
  fake_vision_server();
  ~fake_vision_server();
  fake_vision_server(const fake_vision_server&) = delete;
  fake_vision_server& operator=(const fake_vision_server&) = delete;

  /// http://127.0.0.1:PORT, for ocr.vision-endpoint.
  std::string endpoint() const;

  void script(vision_reply reply);
  std::vector<vision_request> requests() const;

private:
  void handle(const httplib::Request& req, httplib::Response& res);

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mtx_;
  std::condition_variable stopping_cv_;
  bool stopping_ = false;
  std::deque<vision_reply> script_;
  std::vector<vision_request> requests_;
};

}  // namespace khaacho::test
