// A column of values as one text parameter of a parameterized statement.
#pragma once

#include <string>
#include <string_view>

#include "adapters/db/pg_result.hpp"

namespace khaacho::db {

/// Builds a PostgreSQL array literal ("{\"a\",NULL}") to send a column of
/// values as one text parameter, for `unnest($1::text[])`. Every element is
/// quoted with backslash escapes, so any text round-trips; NULL is bare.
class pg_array_literal {
public:
  pg_array_literal() { text_.push_back('{'); }

  void add(std::string_view element);
  void add_null();
  /// Adds the text, or NULL when `element` is empty.
  void add_value(const pg_value& element) {
    if (element)
      add(std::string_view{*element});
    else
      add_null();
  }

  /// The finished literal; the builder is spent afterwards.
  std::string release();

private:
  std::string text_;
  bool empty_ = true;
};

}  // namespace khaacho::db
