// A small blocking JSON-over-HTTP client on libcurl for the cloud adapters
// (Google Vision, OpenAI-compatible chat completions): deadlines, no signals,
// Retry-After, and errors classified the way the supervisor retries them.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "common/errc.hpp"

namespace khaacho::http_client {

/// Deadlines of one HTTP call.
struct http_timeouts {
  std::chrono::milliseconds connect{5000};
  std::chrono::milliseconds total{30000};
};

/// One HTTP answer, whatever its status.
struct http_reply {
  long status = 0;
  std::string body;
  /// From `retry-after-ms` (OpenAI) or `Retry-After` (seconds or an HTTP date).
  std::optional<std::chrono::milliseconds> retry_after;
};

/// An error of our category with the shape stage_failure() builds: with a
/// Retry-After the context is (message, int64 milliseconds), which the
/// supervisor reads with retry_after_of(); without one, just the message.
caf::error upstream_failure(errc code, std::string message,
                            std::optional<std::chrono::milliseconds> retry_after = std::nullopt);

/// The value of a Retry-After header: delay-seconds or an HTTP date (relative
/// to `now`, seconds since the epoch). Capped at a day; nullopt if unreadable.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, int64_t now);

/// `text` with every non-empty secret replaced by "[redacted]".
std::string redact(std::string text, const std::vector<std::string>& secrets);

/// Printable ASCII only, at most `limit` bytes: safe for a log line or an error.
std::string printable(std::string_view text, size_t limit);

/// The service's explanation in a JSON error body, `{"error": {"message": ...}}`
/// (Google and OpenAI both answer so), or "" when there is none.
std::string service_message(const std::string& body);

/// True if `v` may go into an HTTP header line as is (visible ASCII, no CR/LF).
bool header_safe(std::string_view v);

/// The error for an HTTP answer outside 2xx: 408, 429 and 5xx are
/// errc::upstream_unavailable (carrying the reply's Retry-After), everything
/// else errc::upstream_rejected. The service's own `{"error":{"message"}}` is
/// quoted (redacted, trimmed) except for 401/403, whose explanations may echo
/// parts of a credential.
caf::error classify_status(const http_reply& reply, const std::string& what,
                           const std::vector<std::string>& secrets);

/// POSTs JSON bodies over one reused curl handle (keeps connections alive).
/// Not thread-safe: one client per worker thread, like the adapters owning it.
class curl_json_client {
public:
  explicit curl_json_client(http_timeouts timeouts = {});
  ~curl_json_client();
  curl_json_client(const curl_json_client&) = delete;
  curl_json_client& operator=(const curl_json_client&) = delete;

  /// BLOCKS for at most the total timeout. Inside a trace::scope the request
  /// carries a W3C `traceparent` of that trace with a new span id.
  /// Returns any HTTP answer; transport
  /// failures (refused, DNS, TLS, timeout, an answer over 16 MiB) are
  /// errc::upstream_unavailable named by `what`, with every one of `secrets`
  /// scrubbed from the message. Redirects are not followed.
  caf::expected<http_reply> post(const std::string& url, const std::vector<std::string>& headers,
                                 std::string_view body, const std::string& what,
                                 const std::vector<std::string>& secrets);

  const http_timeouts& timeouts() const { return timeouts_; }

private:
  struct handle_deleter {
    void operator()(void* h) const noexcept;
  };
  http_timeouts timeouts_;
  std::unique_ptr<void, handle_deleter> handle_;  ///< a CURL*, reset before each call
};

}  // namespace khaacho::http_client
