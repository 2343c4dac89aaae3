// UUID text validation (canonical 8-4-4-4-12 hexadecimal form).
#pragma once

#include <string_view>

namespace khaacho::model {

/// True for "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" with hex digits, any case.
bool is_uuid(std::string_view text);

}  // namespace khaacho::model
