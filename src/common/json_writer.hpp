// A small builder for JSON objects and arrays with correct string escaping;
// used for log lines and HTTP answers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace khaacho {

/// Appends `s` to `out` as a quoted JSON string (UTF-8 passes through;
/// control characters and invalid bytes are escaped or replaced).
void append_json_string(std::string& out, std::string_view s);

/// Builds one JSON object, field by field, in insertion order.
class json_object {
public:
  json_object& add(std::string_view key, std::string_view value);
  json_object& add(std::string_view key, const char* value) { return add(key, std::string_view{value}); }
  json_object& add(std::string_view key, const std::string& value) { return add(key, std::string_view{value}); }
  json_object& add(std::string_view key, int64_t value);
  json_object& add(std::string_view key, int value) { return add(key, static_cast<int64_t>(value)); }
  json_object& add(std::string_view key, double value);
  json_object& add(std::string_view key, bool value);
  json_object& add_null(std::string_view key);
  /// `value`, or null when it is empty (an unknown unit, no product).
  json_object& add_or_null(std::string_view key, std::string_view value);
  /// Adds an already-serialized JSON value (object, array).
  json_object& add_raw(std::string_view key, std::string_view json);

  std::string str() const { return body_ + "}"; }

private:
  void key(std::string_view k);
  std::string body_ = "{";
};

/// Builds one JSON array of already-serialized values (objects, numbers).
class json_array {
public:
  json_array& add_raw(std::string_view json);
  json_array& add(const json_object& o) { return add_raw(o.str()); }
  json_array& add(std::string_view s);
  bool empty() const { return body_.size() == 1; }
  std::string str() const { return body_ + "]"; }

private:
  std::string body_ = "[";
};

}  // namespace khaacho
