// JSON string escaping and the object builder.
#include "common/json_writer.hpp"

#include <cmath>
#include <cstdio>

namespace khaacho {

namespace {

/// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size())
    return 0;
  for (size_t k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
      return 0;
  return len;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    switch (c) {
      case '"': out += "\\\""; ++i; continue;
      case '\\': out += "\\\\"; ++i; continue;
      case '\n': out += "\\n"; ++i; continue;
      case '\r': out += "\\r"; ++i; continue;
      case '\t': out += "\\t"; ++i; continue;
      default: break;
    }
    auto uc = static_cast<unsigned char>(c);
    if (uc < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", uc);
      out += buf;
      ++i;
      continue;
    }
    auto len = utf8_sequence_length(s, i);
    if (len == 0) {
      out += "\\ufffd";  // never emit invalid UTF-8 into a JSON document
      ++i;
      continue;
    }
    out.append(s.data() + i, len);
    i += len;
  }
  out += '"';
}

void json_object::key(std::string_view k) {
  if (body_.size() > 1)
    body_ += ',';
  append_json_string(body_, k);
  body_ += ':';
}

json_object& json_object::add(std::string_view k, std::string_view value) {
  key(k);
  append_json_string(body_, value);
  return *this;
}

json_object& json_object::add(std::string_view k, int64_t value) {
  key(k);
  body_ += std::to_string(value);
  return *this;
}

json_object& json_object::add(std::string_view k, double value) {
  key(k);
  if (!std::isfinite(value)) {
    body_ += "null";
    return *this;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.15g", value);
  body_ += buf;
  return *this;
}

json_object& json_object::add(std::string_view k, bool value) {
  key(k);
  body_ += value ? "true" : "false";
  return *this;
}

json_object& json_object::add_null(std::string_view k) {
  key(k);
  body_ += "null";
  return *this;
}

json_object& json_object::add_or_null(std::string_view k, std::string_view value) {
  return value.empty() ? add_null(k) : add(k, value);
}

json_object& json_object::add_raw(std::string_view k, std::string_view json) {
  key(k);
  body_ += json;
  return *this;
}

json_array& json_array::add_raw(std::string_view json) {
  if (body_.size() > 1)
    body_ += ',';
  body_ += json;
  return *this;
}

json_array& json_array::add(std::string_view s) {
  if (body_.size() > 1)
    body_ += ',';
  append_json_string(body_, s);
  return *this;
}

}  // namespace khaacho
