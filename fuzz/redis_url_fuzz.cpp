// libFuzzer target: REDIS_URL parsing and its redaction for logs. A URL that
// parses keeps its host, port, user and database through redaction.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "model/redis_url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string url{reinterpret_cast<const char*>(data), size};
  using namespace khaacho::model;
  std::string why;
  auto endpoint = parse_redis_url(url, &why);
  auto redacted = redact_redis_url(url);
  if (!endpoint) {
    if (why.empty())
      std::abort();  // a refusal says why
    return 0;
  }
  if (endpoint->host.empty() || endpoint->port < 1 || endpoint->port > 65535
      || endpoint->database < 0)
    std::abort();
  auto again = parse_redis_url(redacted);
  if (!again || again->host != endpoint->host || again->port != endpoint->port
      || again->user != endpoint->user || again->database != endpoint->database)
    std::abort();
  return 0;
}
