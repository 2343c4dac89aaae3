// Parses the REDIS_URL of cluster mode (redis://[[user]:password@]host[:port][/db])
// and writes it back without its password for logs. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace khaacho::model {

struct redis_endpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user;      ///< empty: AUTH with the password alone (or no AUTH)
  std::string password;  ///< secret: never logged
  int64_t database = 0;
};

/// Parses `url`; nullopt (with `why` set) for another scheme, a bad port or
/// database number, or an empty host. Percent-escapes in the user and
/// password are decoded.
std::optional<redis_endpoint> parse_redis_url(const std::string& url, std::string* why = nullptr);

/// `url` with any password replaced by "***", for logs and errors.
std::string redact_redis_url(const std::string& url);

}  // namespace khaacho::model
