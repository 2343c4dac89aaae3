#include "support/scripted_http_fake.hpp"

#include <stdexcept>

#include <httplib.h>

namespace khaacho::test {

scripted_http_fake::scripted_http_fake(std::string name, std::function<scripted_reply()> fallback,
                                       route check, std::string content_type)
  : fallback_(std::move(fallback)),
    check_(std::move(check)),
    content_type_(std::move(content_type)),
    server_(std::make_unique<httplib::Server>()) {
  auto h = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
  server_->Post(".*", h);
  server_->Get(".*", h);
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0)
    throw std::runtime_error(name + ": cannot bind a loopback port");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() before the accept loop runs would be lost and join() would hang.
  while (!server_->is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

scripted_http_fake::~scripted_http_fake() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  stopping_cv_.notify_all();
  server_->stop();
  thread_.join();
}

void scripted_http_fake::script(scripted_reply reply) {
  std::lock_guard<std::mutex> guard{mtx_};
  script_.push_back(std::move(reply));
}

std::vector<recorded_request> scripted_http_fake::requests() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return requests_;
}

void scripted_http_fake::handle(const httplib::Request& req, httplib::Response& res) {
  recorded_request rec;
  rec.method = req.method;
  rec.path = req.path;
  rec.authorization = req.get_header_value("Authorization");
  rec.key = req.get_param_value("key");
  rec.content_type = req.get_header_value("Content-Type");
  rec.traceparent = req.get_header_value("traceparent");
  rec.body = req.body;

  std::unique_lock<std::mutex> lock{mtx_};
  requests_.push_back(rec);
  scripted_reply reply;
  if (script_.empty()) {
    reply = fallback_();
  } else {
    reply = std::move(script_.front());
    script_.pop_front();
  }
  if (reply.delay.count() > 0)
    stopping_cv_.wait_for(lock, reply.delay, [this] { return stopping_; });
  reply = check_(req, std::move(reply));
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers)
    res.set_header(name.c_str(), value);
  res.set_content(reply.body, content_type_.c_str());
}

}  // namespace khaacho::test
