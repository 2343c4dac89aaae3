// UUID text validation.
#include "model/uuid.hpp"

#include <cctype>

namespace khaacho::model {

bool is_uuid(std::string_view text) {
  if (text.size() != 36)
    return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i])))
      return false;
  }
  return true;
}

}  // namespace khaacho::model
