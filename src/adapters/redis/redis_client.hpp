// A blocking Redis connection (hiredis), for the cluster mode's detached
// actors only: every call may block up to the command timeout. It connects
// lazily and, after a failure, waits with exponential backoff before the
// next connection attempt; calls in between fail at once (unavailable), so a
// dead Redis never stalls the caller for long.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "model/redis_url.hpp"

struct redisContext;

namespace khaacho::redis {

/// A decoded reply. Errors (-ERR ...) are returned as caf::error instead.
struct reply {
  enum class kind { nil, string, integer, array, status };
  kind type = kind::nil;
  std::string str;  ///< string and status replies
  int64_t integer = 0;
  std::vector<reply> elements;

  bool is_nil() const { return type == kind::nil; }
};

struct client_options {
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds command_timeout{2000};
  std::chrono::milliseconds min_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  /// Run after every (re)connect, e.g. to create the stream's group; its
  /// failure counts as a failed connection.
  std::function<caf::expected<void>(class client&)> on_connect;
};

class client {
public:
  client(model::redis_endpoint endpoint, client_options options);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Sends one command (binary-safe arguments) and BLOCKS for its reply, at
  /// most `timeout` (default: the command timeout). Errors:
  /// errc::upstream_unavailable (not connected, in backoff, I/O failure or
  /// timeout: the connection is dropped and re-made later) and
  /// errc::upstream_rejected (Redis answered -ERR; the text is kept).
  caf::expected<reply> command(const std::vector<std::string>& args,
                               std::chrono::milliseconds timeout = std::chrono::milliseconds{0});

  /// True while a connection is open.
  bool connected() const noexcept { return ctx_ != nullptr; }

  /// Commands sent since construction (for the per-order command count).
  int64_t commands_sent() const noexcept { return sent_; }

  /// Drops the connection (the next command reconnects, backoff permitting).
  void disconnect();

private:
  caf::expected<void> ensure_connected();
  caf::expected<reply> send(const std::vector<std::string>& args, std::chrono::milliseconds timeout);
  void failed();

  model::redis_endpoint endpoint_;
  client_options options_;
  redisContext* ctx_ = nullptr;
  std::chrono::milliseconds current_timeout_{0};
  std::chrono::steady_clock::time_point next_attempt_{};
  std::chrono::milliseconds backoff_{0};
  bool in_on_connect_ = false;
  int64_t sent_ = 0;
};

}  // namespace khaacho::redis
