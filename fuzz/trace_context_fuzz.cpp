// libFuzzer target: the W3C `traceparent` header parser. What it accepts must
// write back to the same header (lower-case hex, version 00) and parse again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/trace_context.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view header{reinterpret_cast<const char*>(data), size};
  using namespace khaacho::trace;
  (void) valid_trace_id(header);
  (void) valid_span_id(header);
  auto parsed = parse_traceparent(header);
  if (!parsed)
    return 0;
  if (!valid_trace_id(parsed->trace_id) || !valid_span_id(parsed->span_id))
    std::abort();
  auto written = format_traceparent(*parsed);
  auto again = parse_traceparent(written);
  if (!again || again->trace_id != parsed->trace_id || again->span_id != parsed->span_id
      || again->sampled != parsed->sampled)
    std::abort();
  return 0;
}
