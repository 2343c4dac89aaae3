// Typed access to text-format PostgreSQL results.
#include "adapters/db/pg_result.hpp"

#include <charconv>
#include <cstdio>

namespace khaacho::db {

namespace {

[[noreturn]] void fail(std::string_view column, const char* why) {
  throw std::runtime_error("column '" + std::string{column} + "': " + why);
}

template <class T>
T parse_integer(std::string_view column, const std::string& text) {
  T out{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc{} || end != text.data() + text.size())
    fail(column, "not an integer");
  return out;
}

}  // namespace

int pg_result::column_index(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == column)
      return static_cast<int>(i);
  return -1;
}

const pg_value& pg_row::cell(std::string_view column) const {
  auto idx = result_->column_index(column);
  if (idx < 0)
    fail(column, "no such column in result");
  return result_->rows.at(index_).at(static_cast<size_t>(idx));
}

bool pg_row::is_null(std::string_view column) const {
  return !cell(column);
}

template <>
std::string pg_row::get<std::string>(std::string_view column) const {
  const auto& v = cell(column);
  if (!v)
    fail(column, "is NULL");
  return *v;
}

template <>
int64_t pg_row::get<int64_t>(std::string_view column) const {
  return parse_integer<int64_t>(column, get<std::string>(column));
}

template <>
int32_t pg_row::get<int32_t>(std::string_view column) const {
  return parse_integer<int32_t>(column, get<std::string>(column));
}

template <>
double pg_row::get<double>(std::string_view column) const {
  auto text = get<std::string>(column);
  char* end = nullptr;
  double out = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size())
    fail(column, "not a number");
  return out;
}

template <>
bool pg_row::get<bool>(std::string_view column) const {
  auto text = get<std::string>(column);
  if (text == "t" || text == "true")
    return true;
  if (text == "f" || text == "false")
    return false;
  fail(column, "not a boolean");
}

pg_value to_pg_value(double x) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", x);
  return pg_value{std::string{buf}};
}

}  // namespace khaacho::db
