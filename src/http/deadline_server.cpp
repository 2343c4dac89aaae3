// Keep-alive loop and socket stream for deadline_server: reads give up after
// the read timeout of silence, or once a request's headers are overdue.
#include "http/deadline_server.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace khaacho::http {

namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

class deadline_stream final : public httplib::Stream {
public:
  deadline_stream(socket_t sock, milliseconds read_timeout, milliseconds write_timeout)
    : sock_(sock), read_timeout_(read_timeout), write_timeout_(write_timeout) {
  }

  bool has_buffered() const { return off_ < len_; }
  void set_deadline(clock::time_point t) { deadline_ = t; has_deadline_ = true; }
  void clear_deadline() { has_deadline_ = false; }

  bool is_readable() const override {
    return off_ < len_ || wait(POLLIN, read_budget());
  }
  bool is_writable() const override { return wait(POLLOUT, write_timeout_); }

  ssize_t read(char* ptr, size_t size) override {
    if (off_ < len_) {
      auto n = std::min(size, len_ - off_);
      std::memcpy(ptr, buf_ + off_, n);
      off_ += n;
      return static_cast<ssize_t>(n);
    }
    if (!wait(POLLIN, read_budget()))
      return -1;
    if (size >= sizeof(buf_))
      return recv_some(ptr, size);
    auto n = recv_some(buf_, sizeof(buf_));
    if (n <= 0)
      return n;
    len_ = static_cast<size_t>(n);
    off_ = std::min(size, len_);
    std::memcpy(ptr, buf_, off_);
    return static_cast<ssize_t>(off_);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable())
      return -1;
    ssize_t n;
    do
      n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    address_of(::getpeername, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    address_of(::getsockname, ip, port);
  }
  socket_t socket() const override { return sock_; }

private:
  milliseconds read_budget() const {
    if (!has_deadline_)
      return read_timeout_;
    auto left = std::chrono::duration_cast<milliseconds>(deadline_ - clock::now());
    return std::max(milliseconds{0}, std::min(read_timeout_, left));
  }

  bool wait(short events, milliseconds timeout) const {
    pollfd p{sock_, events, 0};
    for (;;) {
      int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
      if (r < 0 && errno == EINTR)
        continue;
      return r > 0 && (p.revents & (events | POLLHUP | POLLERR)) != 0;
    }
  }

  ssize_t recv_some(char* ptr, size_t size) {
    ssize_t n;
    do
      n = ::recv(sock_, ptr, size, 0);
    while (n < 0 && errno == EINTR);
    return n;
  }

  template <class F>
  void address_of(F get, std::string& ip, int& port) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (get(sock_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      return;
    char text[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET) {
      auto* a = reinterpret_cast<sockaddr_in*>(&addr);
      ::inet_ntop(AF_INET, &a->sin_addr, text, sizeof(text));
      port = ntohs(a->sin_port);
    } else if (addr.ss_family == AF_INET6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
      ::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof(text));
      port = ntohs(a->sin6_port);
    }
    ip = text;
  }

  socket_t sock_;
  milliseconds read_timeout_;
  milliseconds write_timeout_;
  clock::time_point deadline_{};
  bool has_deadline_ = false;
  char buf_[4096];
  size_t off_ = 0;
  size_t len_ = 0;
};

thread_local deadline_stream* current_stream = nullptr;

milliseconds to_ms(time_t sec, time_t usec) {
  return milliseconds{sec * 1000 + usec / 1000};
}

}  // namespace

void deadline_server::headers_complete() noexcept {
  if (current_stream != nullptr)
    current_stream->clear_deadline();
}

int deadline_server::shut_reads() {
  std::lock_guard<std::mutex> guard{open_mutex_};
  int cut = 0;
  for (socket_t sock : open_)
    if (::shutdown(sock, SHUT_RD) == 0)
      ++cut;
  return cut;
}

bool deadline_server::process_and_close_socket(socket_t sock) {
  {
    std::lock_guard<std::mutex> guard{open_mutex_};
    open_.insert(sock);
  }
  deadline_stream strm{sock, to_ms(read_timeout_sec_, read_timeout_usec_),
                       to_ms(write_timeout_sec_, write_timeout_usec_)};
  current_stream = &strm;
  bool ret = false;
  // As httplib's own loop: up to keep_alive_max_count_ requests, each awaited
  // for at most keep_alive_timeout_sec_ (in slices, so that stop() is seen).
  for (auto count = keep_alive_max_count_; count > 0 && svr_sock_ != INVALID_SOCKET; --count) {
    auto idle_until = clock::now() + std::chrono::seconds{keep_alive_timeout_sec_};
    bool readable = strm.has_buffered();  // a pipelined request
    while (!readable && svr_sock_ != INVALID_SOCKET && clock::now() < idle_until) {
      pollfd p{sock, POLLIN, 0};
      readable = ::poll(&p, 1, 100) > 0;
    }
    if (!readable || svr_sock_ == INVALID_SOCKET)
      break;
    strm.set_deadline(clock::now() + header_deadline_);
    bool connection_closed = false;
    ret = process_request(strm, count == 1, connection_closed, nullptr);
    if (!ret || connection_closed)
      break;
  }
  current_stream = nullptr;
  {
    std::lock_guard<std::mutex> guard{open_mutex_};
    open_.erase(sock);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ret;
}

}  // namespace khaacho::http
