// traceparent parsing and formatting, random ids, the thread's current trace.
#include "common/trace_context.hpp"

#include <random>

namespace khaacho::trace {

namespace {

thread_local const context* current_context = nullptr;

bool lower_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

bool all_zero(std::string_view s) {
  return s.find_first_not_of('0') == std::string_view::npos;
}

std::string random_hex(size_t digits) {
  // Trace ids need uniqueness, not secrecy: a per-thread PRNG seeded from the
  // OS is enough and costs no system call per id.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(digits, '0');
  for (;;) {
    for (size_t i = 0; i < digits; i += 16) {
      auto v = rng();
      for (size_t j = 0; j < 16 && i + j < digits; ++j, v >>= 4)
        out[i + j] = hex[v & 0xf];
    }
    if (!all_zero(out))
      return out;
  }
}

}  // namespace

bool valid_trace_id(std::string_view id) {
  return id.size() == 32 && lower_hex(id) && !all_zero(id);
}

bool valid_span_id(std::string_view id) {
  return id.size() == 16 && lower_hex(id) && !all_zero(id);
}

std::optional<context> parse_traceparent(std::string_view h) {
  // version "-" trace-id "-" parent-id "-" trace-flags = 2+1+32+1+16+1+2 = 55.
  // Version 00 allows nothing after the flags.
  if (h.size() != 55 || h[2] != '-' || h[35] != '-' || h[52] != '-')
    return std::nullopt;
  auto version = h.substr(0, 2);
  auto trace_id = h.substr(3, 32);
  auto span_id = h.substr(36, 16);
  auto flags = h.substr(53, 2);
  if (version != "00" || !valid_trace_id(trace_id) || !valid_span_id(span_id) || !lower_hex(flags))
    return std::nullopt;
  context c;
  c.trace_id = std::string{trace_id};
  c.span_id = std::string{span_id};
  int f = std::stoi(std::string{flags}, nullptr, 16);
  c.sampled = (f & 1) != 0;
  return c;
}

std::string format_traceparent(const context& c) {
  return "00-" + c.trace_id + "-" + c.span_id + (c.sampled ? "-01" : "-00");
}

std::string new_trace_id() {
  return random_hex(32);
}

std::string new_span_id() {
  return random_hex(16);
}

context new_context() {
  // Not sampled: this service records no spans of its own, and the flag says
  // exactly that to the services it calls.
  return context{new_trace_id(), new_span_id(), false};
}

const context* current() noexcept {
  return current_context;
}

scope::scope(const context& c) noexcept : previous_(current_context) {
  current_context = &c;
}

scope::~scope() {
  current_context = previous_;
}

}  // namespace khaacho::trace
