// POSIX-socket plumbing for the hand-written loopback peers.
#include "support/loopback_listener.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace khaacho::test {

using namespace std::chrono;

loopback_listener::loopback_listener(session_fn session) : session_(std::move(session)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0)
    throw std::runtime_error("loopback listener: socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0
      || ::listen(listen_fd_, 16) != 0
      || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("loopback listener: cannot bind a loopback port");
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

loopback_listener::~loopback_listener() {
  stopping_ = true;
  stop_listening();
  std::vector<std::thread> sessions;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    for (int fd : open_fds_)
      ::shutdown(fd, SHUT_RDWR);  // wakes a session blocked in poll or recv
    sessions.swap(sessions_);
  }
  for (auto& t : sessions)
    t.join();
}

void loopback_listener::stop_listening() {
  stop_accepting_ = true;
  if (acceptor_.joinable())
    acceptor_.join();
}

void loopback_listener::accept_loop() {
  while (!stop_accepting_) {
    pollfd p{listen_fd_, POLLIN, 0};
    // A short poll so stop_listening() takes effect promptly without
    // closing the descriptor under a blocked accept().
    if (::poll(&p, 1, 20) <= 0)
      continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0)
      continue;
    std::lock_guard<std::mutex> guard{mtx_};
    open_fds_.push_back(fd);
    sessions_.emplace_back([this, fd] {
      session_(fd, stopping_);
      {
        std::lock_guard<std::mutex> g{mtx_};
        for (auto it = open_fds_.begin(); it != open_fds_.end(); ++it)
          if (*it == fd) {
            open_fds_.erase(it);
            break;
          }
      }
      ::close(fd);
    });
  }
  ::close(listen_fd_);
  listen_fd_ = -1;
}

bool line_reader::fill(steady_clock::time_point deadline) {
  while (!stopping_) {
    auto left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
    if (left <= 0)
      return false;
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 50)));
    if (ready < 0 && errno != EINTR)
      return false;
    if (ready <= 0)
      continue;
    char buf[4096];
    auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0)
      return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  }
  return false;
}

std::optional<std::string> line_reader::read_line(milliseconds timeout) {
  auto deadline = steady_clock::now() + timeout;
  for (;;) {
    auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      auto line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r')
        line.pop_back();
      return line;
    }
    if (!fill(deadline))
      return std::nullopt;
  }
}

bool line_reader::read_until(std::string_view marker, milliseconds timeout) {
  auto deadline = steady_clock::now() + timeout;
  while (buffer_.find(marker) == std::string::npos)
    if (!fill(deadline))
      return false;
  return true;
}

bool line_reader::read_at_least(size_t n, milliseconds timeout) {
  auto deadline = steady_clock::now() + timeout;
  while (buffer_.size() < n)
    if (!fill(deadline))
      return false;
  return true;
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    auto n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

void wait_unless_stopping(milliseconds d, const std::atomic<bool>& stopping) {
  auto until = steady_clock::now() + d;
  while (!stopping && steady_clock::now() < until)
    std::this_thread::sleep_for(milliseconds{5});
}

}  // namespace khaacho::test
