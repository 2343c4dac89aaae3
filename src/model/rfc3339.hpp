// RFC 3339 UTC timestamps for JSON answers, from epoch milliseconds. Pure.
#pragma once

#include <cstdint>
#include <string>

namespace khaacho::model {

/// "2026-01-02T03:04:05.678Z" for `epoch_ms` (milliseconds since 1970, UTC).
std::string rfc3339_from_epoch_ms(int64_t epoch_ms);

}  // namespace khaacho::model
