// The loopback Vision fake: scripted answers in the shapes of the
// images:annotate reference, request recording, delays.
#include "support/fake_vision_server.hpp"

#include <stdexcept>

#include <httplib.h>

#include "common/json_writer.hpp"

namespace khaacho::test {

namespace {

std::string quoted(const std::string& s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

}  // namespace

vision_reply vision_reply::text(const std::string& text,
                                const std::vector<double>& block_confidences) {
  std::string blocks;
  for (double c : block_confidences) {
    if (!blocks.empty())
      blocks += ',';
    blocks += R"({"blockType":"TEXT","confidence":)" + std::to_string(c) + "}";
  }
  vision_reply r;
  // The shape of AnnotateImageResponse: textAnnotations first, then the
  // document structure; Vision ends the full text with a newline.
  r.body = R"({"responses":[{"textAnnotations":[{"locale":"en","description":)" + quoted(text + "\n")
           + R"(}],"fullTextAnnotation":{"pages":[{"property":{"detectedLanguages":)"
             R"([{"languageCode":"en","confidence":0.8}]},"width":640,"height":480,"blocks":[)"
           + blocks + R"(],"confidence":0.5}],"text":)" + quoted(text + "\n") + "}}]}";
  return r;
}

vision_reply vision_reply::empty() {
  vision_reply r;
  r.body = R"({"responses":[{}]})";
  return r;
}

vision_reply vision_reply::image_error(int code, const std::string& message) {
  vision_reply r;
  r.body = R"({"responses":[{"error":{"code":)" + std::to_string(code) + R"(,"message":)"
           + quoted(message) + "}}]}";
  return r;
}

vision_reply vision_reply::http_error(int status, const std::string& message,
                                      const std::string& retry_after) {
  static const std::map<int, std::string> names = {{400, "INVALID_ARGUMENT"},
                                                   {403, "PERMISSION_DENIED"},
                                                   {429, "RESOURCE_EXHAUSTED"},
                                                   {500, "INTERNAL"},
                                                   {503, "UNAVAILABLE"}};
  auto name = names.count(status) ? names.at(status) : std::string{"UNKNOWN"};
  vision_reply r;
  r.status = status;
  r.body = R"({"error":{"code":)" + std::to_string(status) + R"(,"message":)" + quoted(message)
           + R"(,"status":")" + name + R"("}})";
  if (!retry_after.empty())
    r.headers["Retry-After"] = retry_after;
  return r;
}

fake_vision_server::fake_vision_server() : server_(std::make_unique<httplib::Server>()) {
  auto h = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
  server_->Post(".*", h);
  server_->Get(".*", h);
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0)
    throw std::runtime_error("fake Vision server: cannot bind a loopback port");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() before the accept loop runs would be lost and join() would hang.
  while (!server_->is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

fake_vision_server::~fake_vision_server() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  stopping_cv_.notify_all();
  server_->stop();
  thread_.join();
}

std::string fake_vision_server::endpoint() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void fake_vision_server::script(vision_reply reply) {
  std::lock_guard<std::mutex> guard{mtx_};
  script_.push_back(std::move(reply));
}

std::vector<vision_request> fake_vision_server::requests() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return requests_;
}

void fake_vision_server::handle(const httplib::Request& req, httplib::Response& res) {
  vision_request rec;
  rec.method = req.method;
  rec.path = req.path;
  rec.key = req.get_param_value("key");
  rec.content_type = req.get_header_value("Content-Type");
  rec.body = req.body;

  std::unique_lock<std::mutex> lock{mtx_};
  requests_.push_back(rec);
  vision_reply reply = vision_reply::text("FAKE", {0.9});
  if (!script_.empty()) {
    reply = std::move(script_.front());
    script_.pop_front();
  }
  if (reply.delay.count() > 0)
    stopping_cv_.wait_for(lock, reply.delay, [this] { return stopping_; });
  if (req.method != "POST" || req.path != "/v1/images:annotate") {
    reply = vision_reply::http_error(404, "not found");
  }
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers)
    res.set_header(name.c_str(), value);
  res.set_content(reply.body, "application/json; charset=UTF-8");
}

}  // namespace khaacho::test
