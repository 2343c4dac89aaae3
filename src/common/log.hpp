// Structured JSON log lines on stdout in the Cloud Logging shape:
// {"severity":"INFO","message":"...","time":"2026-...Z", ...fields}.
// Thread-safe; callable from any thread, including CAF's.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace khaacho::log {

enum class level { trace, debug, info, warn, error };

/// One extra field of a log line; values are logged as JSON strings.
using field = std::pair<std::string_view, std::string>;

/// Sets up the stdout logger; `min_level` is one of trace|debug|info|warn|error.
void init(const std::string& min_level);

/// Cloud Logging's trace fields are `projects/<project>/traces/<id>` when a
/// project is set (log.trace-project), else the bare trace id. Call at start-up.
void set_trace_project(const std::string& project);

/// Writes one line if `lvl` passes the configured level. Inside a
/// trace::scope the line also gets `logging.googleapis.com/trace` and
/// `logging.googleapis.com/spanId` of that scope.
void write(level lvl, std::string_view message, std::initializer_list<field> fields = {});

inline void debug(std::string_view m, std::initializer_list<field> f = {}) { write(level::debug, m, f); }
inline void info(std::string_view m, std::initializer_list<field> f = {}) { write(level::info, m, f); }
inline void warn(std::string_view m, std::initializer_list<field> f = {}) { write(level::warn, m, f); }
inline void error(std::string_view m, std::initializer_list<field> f = {}) { write(level::error, m, f); }

/// Renders one line without writing it (exposed for tests); the trace
/// fields come from the calling thread's trace::scope, if any.
std::string format_line(level lvl, std::string_view message, std::initializer_list<field> fields,
                        std::string_view time_rfc3339);

/// The value of `logging.googleapis.com/trace` for `trace_id`.
std::string trace_field_value(std::string_view trace_id);

}  // namespace khaacho::log
