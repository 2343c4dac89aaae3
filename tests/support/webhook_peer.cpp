#include "support/webhook_peer.hpp"

#include <stdexcept>

#include <httplib.h>

#include "adapters/webhook/webhook_signature.hpp"

namespace khaacho::test {

webhook_peer::webhook_peer() : server_(std::make_unique<httplib::Server>()) {
  server_->Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
    handle(req, res);
  });
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0)
    throw std::runtime_error("webhook_peer: cannot bind a loopback port");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

webhook_peer::~webhook_peer() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stopping_ = true;
  }
  changed_.notify_all();
  server_->stop();
  thread_.join();
}

std::string webhook_peer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void webhook_peer::set_secret(std::string secret) {
  std::lock_guard<std::mutex> guard{mtx_};
  secret_ = std::move(secret);
}

void webhook_peer::script(webhook_answer_script answer) {
  std::lock_guard<std::mutex> guard{mtx_};
  script_.push_back(std::move(answer));
}

std::vector<webhook_hit> webhook_peer::hits() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return hits_;
}

bool webhook_peer::wait_for(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock{mtx_};
  return changed_.wait_for(lock, timeout, [&] { return hits_.size() >= n; });
}

void webhook_peer::handle(const httplib::Request& req, httplib::Response& res) {
  webhook_hit hit;
  hit.path = req.path;
  hit.content_type = req.get_header_value("Content-Type");
  hit.event = req.get_header_value(webhook::event_header);
  hit.delivery_id = req.get_header_value(webhook::delivery_header);
  hit.timestamp = req.get_header_value(webhook::timestamp_header);
  hit.signature = req.get_header_value(webhook::signature_header);
  hit.body = req.body;
  std::unique_lock<std::mutex> lock{mtx_};
  hit.signature_valid = webhook::verify(secret_, hit.timestamp, hit.body, hit.signature);
  hits_.push_back(hit);
  webhook_answer_script answer;
  if (!script_.empty()) {
    answer = std::move(script_.front());
    script_.pop_front();
  }
  changed_.notify_all();
  if (answer.delay.count() > 0)
    changed_.wait_for(lock, answer.delay, [this] { return stopping_; });
  res.status = answer.status;
  for (const auto& [name, value] : answer.headers)
    res.set_header(name.c_str(), value);
  res.set_content("{}", "application/json");
}

}  // namespace khaacho::test
