#include "adapters/db/pg_array_literal.hpp"

namespace khaacho::db {

void pg_array_literal::add(std::string_view element) {
  if (!empty_)
    text_.push_back(',');
  empty_ = false;
  text_.push_back('"');
  for (char c : element) {
    if (c == '"' || c == '\\')
      text_.push_back('\\');
    text_.push_back(c);
  }
  text_.push_back('"');
}

void pg_array_literal::add_null() {
  if (!empty_)
    text_.push_back(',');
  empty_ = false;
  text_ += "NULL";
}

std::string pg_array_literal::release() {
  text_.push_back('}');
  return std::move(text_);
}

}  // namespace khaacho::db
