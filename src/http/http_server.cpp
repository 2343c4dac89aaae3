// cpp-httplib server set-up: thread pool, JSON 404/500 answers, listener thread.
#include "http/http_server.hpp"

#include <cerrno>

#include <sys/socket.h>

#include <httplib.h>

#include "common/digest.hpp"
#include "common/errc.hpp"
#include "common/log.hpp"
#include "http/deadline_server.hpp"
#include "http/error_response.hpp"
#include "http/request_metrics.hpp"

namespace khaacho::http {

namespace {

constexpr int listen_backlog = 1024;

}  // namespace

// A request's line and headers must arrive within the read timeout as a
// whole, not just a byte per read timeout (slowloris).
http_server::http_server(options opts)
  : server_(std::make_unique<deadline_server>(
      std::chrono::duration_cast<std::chrono::milliseconds>(opts.read_timeout))) {
  server_->new_task_queue = [threads = opts.threads] {
    return new httplib::ThreadPool(static_cast<size_t>(std::max(1, threads)));
  };
  server_->set_read_timeout(opts.read_timeout);
  server_->set_write_timeout(opts.write_timeout);
  // Idle keep-alive connections hold a handler thread: keep them short.
  server_->set_keep_alive_timeout(5);
  server_->set_keep_alive_max_count(1000);
  server_->set_payload_max_length(opts.max_body_bytes);
  // Answers go out as header and body writes; with Nagle the body waits for
  // the client's delayed ACK (~40 ms on Linux) whenever the header is small.
  server_->set_tcp_nodelay(true);
  // httplib listens with a backlog of 5: a burst of connections overflows it
  // and clients wait for SYN retransmits (seconds). Remember the listening
  // socket so bind() can raise the backlog.
  server_->set_socket_options([this](int sock) {
    httplib::default_socket_options(sock);
    listen_fd_ = sock;
  });
  // Every exchange gets an id before routing: error bodies and log lines
  // carry it, and clients can quote it.
  server_->set_pre_routing_handler([](const httplib::Request&, httplib::Response& res) {
    deadline_server::headers_complete();
    request_started();
    res.set_header(request_id_header, random_token(12));
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Runs for every answer (routed, refused before routing, or unknown path).
  server_->set_post_routing_handler(
    [](const httplib::Request& req, httplib::Response& res) { request_finished(req, res); });
  server_->set_error_handler([](const httplib::Request&, httplib::Response& res) {
    // Only fill bodies that handlers left empty (plain 404 of unknown paths).
    if (!res.body.empty())
      return;
    if (res.status == 404)
      send_error(res, 404, "not_found", "no such resource");
    else if (res.status == 413)
      send_error(res, 413, "payload_too_large", "the request body is too large");
    else if (res.status == 405)
      send_error(res, 405, "invalid_request", "method not allowed");
    else if (res.status >= 400 && res.status < 500)
      send_error(res, res.status, "invalid_request", "the request could not be understood");
    else if (res.status >= 500)
      send_error(res, res.status, "internal", "internal error");
  });
  server_->set_exception_handler(
    [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
      std::string what = "unknown exception";
      try {
        if (ep)
          std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      log::error("unhandled exception in HTTP handler", {{"path", req.path}, {"error", what}});
      send_error(res, 500, "internal", "internal error");
    });
}

http_server::~http_server() {
  stop();
}

httplib::Server& http_server::routes() { return *server_; }

caf::expected<int> http_server::bind(const std::string& host, int port) {
  int bound = port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (bound < 0)
    return caf::make_error(errc::bad_input,
                           "cannot listen on " + host + ":" + std::to_string(port));
  // Listening again on a listening socket only changes its backlog (Linux).
  if (listen_fd_ >= 0 && ::listen(listen_fd_, listen_backlog) != 0)
    log::warn("could not raise the listen backlog", {{"errno", std::to_string(errno)}});
  return bound;
}

void http_server::start() {
  listener_ = std::thread{[this] {
    server_->listen_after_bind();
    listener_done_ = true;
  }};
}

void http_server::stop() {
  if (server_)
    server_->stop();
  if (listener_.joinable())
    listener_.join();
}

bool http_server::drain(std::chrono::milliseconds budget) {
  if (!server_)
    return true;
  // Closes the listening socket: new connections are refused from here on;
  // handlers already running go on.
  server_->stop();
  auto until = std::chrono::steady_clock::now() + budget;
  while (listener_.joinable() && !listener_done_ && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  bool clean = !listener_.joinable() || listener_done_;
  if (!clean) {
    // Reads return end-of-file; writes still work, so a cut-off upload is
    // answered (503) before its connection closes. A body that was already
    // complete is stored or refused as usual: nothing is stored half.
    cut_off_ = true;
    auto n = server_->shut_reads();
    log::warn("HTTP drain ran out of time; cut the connections still open",
              {{"budget_ms", std::to_string(budget.count())}, {"connections", std::to_string(n)}});
  }
  if (listener_.joinable())
    listener_.join();
  return clean;
}

}  // namespace khaacho::http
