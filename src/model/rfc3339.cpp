#include "model/rfc3339.hpp"

#include <cstdio>
#include <ctime>

namespace khaacho::model {

std::string rfc3339_from_epoch_ms(int64_t epoch_ms) {
  // Floor division, so times before 1970 keep a positive millisecond part.
  int64_t secs = epoch_ms / 1000;
  int64_t ms = epoch_ms % 1000;
  if (ms < 0) {
    ms += 1000;
    secs -= 1;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[80];  // ample for any int fields: no truncation warning
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace khaacho::model
