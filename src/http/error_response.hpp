// The one place that writes API.md's error shape:
// {"error": {"code": "<snake_case>", "message": "<human text>", "request_id": "..."}}.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <caf/error.hpp>

namespace httplib {
struct Request;
struct Response;
}

namespace khaacho::http {

/// Response header that carries the request id; the server sets it on every
/// answer before routing, error bodies and log lines repeat it.
inline constexpr const char* request_id_header = "X-Request-Id";

/// The request id assigned to this exchange ("" before routing).
std::string request_id_of(const httplib::Response& res);

/// Sets `status` and the JSON error body on `res`, and logs the error with
/// the request id (warning for 4xx, error for 5xx).
void send_error(httplib::Response& res, int status, std::string_view code,
                std::string_view message);

/// As send_error, plus `Retry-After` (whole seconds, at least 1).
void send_retryable_error(httplib::Response& res, int status, std::string_view code,
                          std::string_view message, std::chrono::milliseconds retry_after);

/// Maps a failure of the service layer to an answer: transient failures
/// (database, storage, timeouts) are 503 `unavailable` with Retry-After,
/// everything else 500 `internal`. The client never sees internal detail;
/// the log line (with the request id) does.
void send_service_error(httplib::Response& res, const caf::error& err);

}  // namespace khaacho::http
