// Plain data for statements and their results, shared by the blocking
// connection and the actor pool; values travel in PostgreSQL's text format.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <caf/optional.hpp>

namespace khaacho::db {

/// One parameter or cell: text, or NULL when empty.
using pg_value = caf::optional<std::string>;

/// A statement with positional parameters ($1, $2, ...). The SQL text is
/// always a constant of the caller; values only ever travel in `params`.
struct pg_statement {
  std::string sql;
  std::vector<pg_value> params;
};

class pg_result;

/// Typed read access to one row; throws std::runtime_error naming the column
/// when it is missing or its text does not convert (a bug in the caller's SQL).
class pg_row {
public:
  pg_row(const pg_result& result, size_t index) : result_(&result), index_(index) {}

  bool is_null(std::string_view column) const;

  template <class T>
  T get(std::string_view column) const;

  template <class T>
  std::optional<T> get_optional(std::string_view column) const {
    if (is_null(column))
      return std::nullopt;
    return get<T>(column);
  }

private:
  const pg_value& cell(std::string_view column) const;
  const pg_result* result_;
  size_t index_;
};

/// All rows of one statement, with the column names and the affected count.
class pg_result {
public:
  std::vector<std::string> columns;
  std::vector<std::vector<pg_value>> rows;
  int64_t affected_rows = 0;

  size_t size() const noexcept { return rows.size(); }
  bool empty() const noexcept { return rows.empty(); }
  pg_row row(size_t i) const { return pg_row{*this, i}; }
  /// Index of `column`, or -1.
  int column_index(std::string_view column) const;
};

template <> std::string pg_row::get<std::string>(std::string_view column) const;
template <> int64_t pg_row::get<int64_t>(std::string_view column) const;
template <> int32_t pg_row::get<int32_t>(std::string_view column) const;
template <> double pg_row::get<double>(std::string_view column) const;
template <> bool pg_row::get<bool>(std::string_view column) const;

// -- building parameter lists ------------------------------------------------

inline pg_value to_pg_value(std::nullopt_t) { return caf::none; }
inline pg_value to_pg_value(std::string x) { return pg_value{std::move(x)}; }
inline pg_value to_pg_value(const char* x) { return x ? pg_value{std::string{x}} : pg_value{}; }
inline pg_value to_pg_value(std::string_view x) { return pg_value{std::string{x}}; }
inline pg_value to_pg_value(bool x) { return pg_value{std::string{x ? "true" : "false"}}; }
inline pg_value to_pg_value(int32_t x) { return pg_value{std::to_string(x)}; }
inline pg_value to_pg_value(int64_t x) { return pg_value{std::to_string(x)}; }
inline pg_value to_pg_value(uint32_t x) { return pg_value{std::to_string(x)}; }
inline pg_value to_pg_value(uint64_t x) { return pg_value{std::to_string(x)}; }
pg_value to_pg_value(double x);
template <class T>
pg_value to_pg_value(const std::optional<T>& x) {
  return x ? to_pg_value(*x) : pg_value{};
}
template <class T>
pg_value to_pg_value(const caf::optional<T>& x) {
  return x ? to_pg_value(*x) : pg_value{};
}

/// `pg_params(id, 3, std::nullopt)` turns C++ values into text parameters.
template <class... Ts>
std::vector<pg_value> pg_params(Ts&&... xs) {
  return std::vector<pg_value>{to_pg_value(std::forward<Ts>(xs))...};
}

}  // namespace khaacho::db
