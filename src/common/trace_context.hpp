// W3C Trace Context (https://www.w3.org/TR/trace-context/) for following one
// order through the HTTP upload, every actor message and every outgoing call:
// parsing and writing `traceparent`, random ids, and the trace of the work a
// thread is doing right now (so log lines and adapter calls made inside it
// carry the trace without every function taking it as an argument).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace khaacho::trace {

/// A trace id (32 lower-case hex, not all zero) and the id of the current
/// span in it (16 lower-case hex, not all zero).
struct context {
  std::string trace_id;
  std::string span_id;
  bool sampled = false;  ///< trace-flags bit 0 of the incoming header
};

/// Parses a `traceparent` header strictly: version 00, exactly
/// 00-<32 hex>-<16 hex>-<2 hex>, lower-case hex, ids not all zero. Anything
/// else is nullopt (the caller then starts a new trace, as the spec says).
std::optional<context> parse_traceparent(std::string_view header);

/// `00-<trace_id>-<span_id>-<01|00>`.
std::string format_traceparent(const context& c);

/// True for 32 lower-case hex digits, not all zero.
bool valid_trace_id(std::string_view id);
/// True for 16 lower-case hex digits, not all zero.
bool valid_span_id(std::string_view id);

/// Fresh random ids (never all zero).
std::string new_trace_id();
std::string new_span_id();

/// A new trace with a new span, not sampled (we record no spans).
context new_context();

/// The trace of the work the calling thread is doing, or nullptr.
const context* current() noexcept;

/// Makes `c` the calling thread's current trace until destroyed (restoring
/// the previous one). In a CAF actor, create it inside a handler: it must not
/// outlive the handler's run on this thread. `c` must outlive the scope.
class scope {
public:
  explicit scope(const context& c) noexcept;
  ~scope();
  scope(const scope&) = delete;
  scope& operator=(const scope&) = delete;

private:
  const context* previous_;
};

}  // namespace khaacho::trace
