// HTTP request metrics: khaacho_http_requests_total by method, route pattern
// and status, and khaacho_http_request_duration_seconds, counted by two hooks
// that http_server installs around httplib's routing. The route label is the
// pattern the request matched, with every capture (an order id, a stage
// name) replaced by "{}", so ids never become label values.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace khaacho::http {

/// Route label for a request that no route matched (unknown paths, answers
/// given before routing such as 413 on the declared length).
inline constexpr std::string_view unmatched_route = "unmatched";

/// `path` with each capture [offset, offset + length) replaced by "{}".
/// Captures must be in order and not overlap (regex groups of one match).
std::string route_pattern(std::string_view path,
                          const std::vector<std::pair<size_t, size_t>>& captures);

/// The method label: the standard methods as they are, anything else "other".
std::string_view method_label(std::string_view method);

/// Called by the pre-routing hook (httplib handler thread): starts the clock.
void request_started() noexcept;

/// Called by the post-routing hook (before the answer is written): counts
/// the exchange and observes its duration.
void request_finished(const httplib::Request& req, const httplib::Response& res) noexcept;

}  // namespace khaacho::http
