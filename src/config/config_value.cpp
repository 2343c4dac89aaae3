// Text-to-value conversion for configuration keys.
#include "config/config_value.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace khaacho::config {

std::string to_string(value_kind k) {
  switch (k) {
    case value_kind::string: return "a string";
    case value_kind::integer: return "an integer";
    case value_kind::real: return "a number";
    case value_kind::boolean: return "true or false";
    case value_kind::duration: return "a duration with a unit (e.g. 500ms, 5s, 2min, 1h)";
  }
  return "a value";
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos)
    return "";
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::optional<int64_t> parse_int(const std::string& s) {
  int64_t out = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty())
    return std::nullopt;
  return out;
}

std::optional<double> parse_real(const std::string& s) {
  if (s.empty())
    return std::nullopt;
  char* end = nullptr;
  double out = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(out))
    return std::nullopt;
  return out;
}

}  // namespace

conversion parse_text(value_kind kind, const std::string& raw) {
  auto text = trim(raw);
  auto bad = [&] { return conversion{std::nullopt, "expected " + to_string(kind) + ", got \"" + raw + "\""}; };
  switch (kind) {
    case value_kind::string:
      return {typed_value{raw}, {}};
    case value_kind::integer:
      if (auto v = parse_int(text))
        return {typed_value{*v}, {}};
      return bad();
    case value_kind::real:
      if (auto v = parse_real(text))
        return {typed_value{*v}, {}};
      return bad();
    case value_kind::boolean: {
      auto t = lower(text);
      if (t == "true" || t == "yes" || t == "1" || t == "on")
        return {typed_value{true}, {}};
      if (t == "false" || t == "no" || t == "0" || t == "off")
        return {typed_value{false}, {}};
      return bad();
    }
    case value_kind::duration: {
      size_t split = 0;
      while (split < text.size() && (std::isdigit(static_cast<unsigned char>(text[split])) || text[split] == '.'))
        ++split;
      auto number = parse_real(text.substr(0, split));
      auto unit = lower(trim(text.substr(split)));
      if (!number || *number < 0)
        return bad();
      double ms_per_unit = 0;
      if (unit == "ms")
        ms_per_unit = 1;
      else if (unit == "s" || unit == "sec")
        ms_per_unit = 1000;
      else if (unit == "min" || unit == "m")
        ms_per_unit = 60'000;
      else if (unit == "h")
        ms_per_unit = 3'600'000;
      else if (unit == "d")
        ms_per_unit = 86'400'000;
      else
        return bad();
      return {typed_value{std::chrono::milliseconds{static_cast<int64_t>(std::llround(*number * ms_per_unit))}}, {}};
    }
  }
  return bad();
}

std::string format_duration(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms != 0 && ms % 3'600'000 == 0)
    return std::to_string(ms / 3'600'000) + "h";
  if (ms != 0 && ms % 60'000 == 0)
    return std::to_string(ms / 60'000) + "min";
  if (ms % 1000 == 0)
    return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace khaacho::config
