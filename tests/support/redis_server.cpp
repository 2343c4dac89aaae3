#include "support/redis_server.hpp"

#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include <unistd.h>

#include "common/errc.hpp"

namespace khaacho::test {

namespace {

/// redis-server from PATH (child_process uses execv, which does not search).
std::string redis_server_path() {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    auto end = dirs.find(':', start);
    auto dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
    auto candidate = (dir.empty() ? "." : dir) + "/redis-server";
    if (::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  return "/usr/bin/redis-server";
}

}  // namespace

redis_server::redis_server() : port_(free_port()) {
  url_ = "redis://127.0.0.1:" + std::to_string(port_);
  start();
}

redis_server::~redis_server() {
  stop();
}

void redis_server::start() {
  proc_ = std::make_unique<child_process>(std::vector<std::string>{
    redis_server_path(), "--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
    "--appendonly", "no", "--protected-mode", "no"});
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (std::chrono::steady_clock::now() < until) {
    redis::client c{model::redis_endpoint{"127.0.0.1", port_}, {}};
    if (auto r = c.command({"PING"}); r && r->str == "PONG")
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  throw std::runtime_error("redis-server did not start: " + proc_->err() + proc_->out());
}

void redis_server::stop() {
  if (!proc_)
    return;
  proc_->signal(SIGKILL);
  proc_->wait(std::chrono::seconds{5});
  proc_.reset();
}

redis::reply redis_server::command(const std::vector<std::string>& args) {
  redis::client c{model::redis_endpoint{"127.0.0.1", port_}, {}};
  auto r = c.command(args);
  if (!r)
    throw std::runtime_error("redis: " + describe(r.error()));
  return std::move(*r);
}

int64_t redis_server::command_calls(const std::string& name) {
  auto info = command({"INFO", "commandstats"}).str;
  auto key = "cmdstat_" + name + ":calls=";
  auto at = info.find(key);
  if (at == std::string::npos)
    return 0;
  return std::atoll(info.c_str() + at + key.size());
}

}  // namespace khaacho::test
