// Query-string values shared by the routes.
#pragma once

#include <optional>
#include <string>

namespace khaacho::http {

/// A `limit=` value: a positive decimal integer, capped at `max`; nullopt
/// for anything else (the route answers 400).
std::optional<int> parse_limit(const std::string& text, int max);

}  // namespace khaacho::http
