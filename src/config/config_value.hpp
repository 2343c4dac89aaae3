// Values of configuration keys and their conversion from text (environment,
// flags) and from CAF's config file values. No I/O.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <optional>
#include <variant>

namespace khaacho::config {

enum class value_kind { string, integer, real, boolean, duration };

std::string to_string(value_kind k);

/// A converted value of one of the kinds above.
using typed_value = std::variant<std::string, int64_t, double, bool, std::chrono::milliseconds>;

/// Result of a conversion: the value, or a message saying what was expected.
struct conversion {
  std::optional<typed_value> value;
  std::string error;
};

/// Parses text as `kind`: integers in decimal, reals, booleans (true/false/
/// yes/no/1/0/on/off), durations with a unit (250ms, 5s, 2min, 1h, 3d).
conversion parse_text(value_kind kind, const std::string& text);

/// Renders a duration the way the config file writes it ("1500ms", "5s").
std::string format_duration(std::chrono::milliseconds d);

}  // namespace khaacho::config
