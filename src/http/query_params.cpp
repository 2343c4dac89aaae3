#include "http/query_params.hpp"

#include <algorithm>
#include <charconv>

namespace khaacho::http {

std::optional<int> parse_limit(const std::string& text, int max) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < 1)
    return std::nullopt;
  return std::min(v, max);
}

}  // namespace khaacho::http
