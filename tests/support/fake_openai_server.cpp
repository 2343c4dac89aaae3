// The loopback chat completions fake: scripted answers in the shapes of the
// OpenAI API reference (choices, refusals, errors), request recording, delays.
#include "support/fake_openai_server.hpp"

#include <stdexcept>

#include <httplib.h>

#include "common/json_writer.hpp"

namespace khaacho::test {

namespace {

std::string completion(const std::string& message_json, const std::string& finish_reason) {
  std::string finish;
  append_json_string(finish, finish_reason);
  return R"({"id":"chatcmpl-fake","object":"chat.completion","created":1714000000,)"
         R"("model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":)"
         + message_json + R"(,"logprobs":null,"finish_reason":)" + finish
         + R"(}],"usage":{"prompt_tokens":10,"completion_tokens":10,"total_tokens":20}})";
}

}  // namespace

openai_reply openai_reply::content(const std::string& content, const std::string& finish_reason) {
  std::string text;
  append_json_string(text, content);
  openai_reply r;
  r.body = completion(R"({"role":"assistant","content":)" + text + R"(,"refusal":null})",
                      finish_reason);
  return r;
}

openai_reply openai_reply::refusal(const std::string& why) {
  std::string text;
  append_json_string(text, why);
  openai_reply r;
  r.body = completion(R"({"role":"assistant","content":null,"refusal":)" + text + "}", "stop");
  return r;
}

openai_reply openai_reply::http_error(int status, const std::string& message,
                                      const std::string& retry_after) {
  std::string text;
  append_json_string(text, message);
  std::string type = status == 429 ? "requests" : status >= 500 ? "server_error"
                                                                : "invalid_request_error";
  openai_reply r;
  r.status = status;
  r.body = R"({"error":{"message":)" + text + R"(,"type":")" + type
           + R"(","param":null,"code":null}})";
  if (!retry_after.empty())
    r.headers["Retry-After"] = retry_after;
  return r;
}

fake_openai_server::fake_openai_server() : server_(std::make_unique<httplib::Server>()) {
  auto h = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
  server_->Post(".*", h);
  server_->Get(".*", h);
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0)
    throw std::runtime_error("fake OpenAI server: cannot bind a loopback port");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() before the accept loop runs would be lost and join() would hang.
  while (!server_->is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

fake_openai_server::~fake_openai_server() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  stopping_cv_.notify_all();
  server_->stop();
  thread_.join();
}

std::string fake_openai_server::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1";
}

void fake_openai_server::script(openai_reply reply) {
  std::lock_guard<std::mutex> guard{mtx_};
  script_.push_back(std::move(reply));
}

std::vector<openai_request> fake_openai_server::requests() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return requests_;
}

void fake_openai_server::handle(const httplib::Request& req, httplib::Response& res) {
  openai_request rec;
  rec.method = req.method;
  rec.path = req.path;
  rec.authorization = req.get_header_value("Authorization");
  rec.content_type = req.get_header_value("Content-Type");
  rec.body = req.body;

  std::unique_lock<std::mutex> lock{mtx_};
  requests_.push_back(rec);
  openai_reply reply = openai_reply::content(R"({"items":[]})");
  if (!script_.empty()) {
    reply = std::move(script_.front());
    script_.pop_front();
  }
  if (reply.delay.count() > 0)
    stopping_cv_.wait_for(lock, reply.delay, [this] { return stopping_; });
  if (req.method != "POST" || req.path != "/v1/chat/completions")
    reply = openai_reply::http_error(404, "Invalid URL (" + req.method + " " + req.path + ")");
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers)
    res.set_header(name.c_str(), value);
  res.set_content(reply.body, "application/json");
}

}  // namespace khaacho::test
