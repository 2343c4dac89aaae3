// The route label from httplib's regex match, and the two routing hooks.
#include "http/request_metrics.hpp"

#include <chrono>
#include <optional>

#include <httplib.h>

#include "common/service_metrics.hpp"

namespace khaacho::http {

namespace {

// httplib runs pre-routing, the handler and post-routing of one request on
// the same handler thread, one request at a time.
thread_local std::optional<std::chrono::steady_clock::time_point> started_at;

}  // namespace

std::string route_pattern(std::string_view path,
                          const std::vector<std::pair<size_t, size_t>>& captures) {
  std::string out;
  out.reserve(path.size());
  size_t at = 0;
  for (const auto& [offset, length] : captures) {
    if (offset < at || offset + length > path.size())
      continue;  // not in order: keep the text rather than guess
    out.append(path.substr(at, offset - at));
    out += "{}";
    at = offset + length;
  }
  out.append(path.substr(at));
  return out;
}

std::string_view method_label(std::string_view m) {
  for (std::string_view known : {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"})
    if (m == known)
      return known;
  return "other";
}

void request_started() noexcept {
  started_at = std::chrono::steady_clock::now();
}

void request_finished(const httplib::Request& req, const httplib::Response& res) noexcept {
  try {
    std::string route;
    // A route matched when its regex filled req.matches (a failed
    // regex_match leaves it empty).
    if (req.matches.empty()) {
      route = unmatched_route;
    } else {
      std::vector<std::pair<size_t, size_t>> captures;
      for (size_t i = 1; i < req.matches.size(); ++i)
        if (req.matches[i].matched)
          captures.emplace_back(static_cast<size_t>(req.matches.position(i)),
                                static_cast<size_t>(req.matches.length(i)));
      route = route_pattern(req.path, captures);
    }
    auto method = method_label(req.method);
    char status[8];
    int status_code = res.status < 100 || res.status > 599 ? 0 : res.status;
    auto n = std::snprintf(status, sizeof(status), "%d", status_code);
    auto& m = metrics::service_metrics::instance();
    m.http_requests().with({method, route, std::string_view{status, static_cast<size_t>(n)}}).inc();
    if (started_at) {
      m.http_duration()
        .with({method, route})
        .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - *started_at).count());
      started_at.reset();
    }
  } catch (...) {
    // Counting must never break an answer (bad_alloc is the only candidate).
  }
}

}  // namespace khaacho::http
