// Matching caf::error values against khaacho::errc in assertions.
#pragma once

#include "common/errc.hpp"

namespace khaacho::test {

using khaacho::has_code;

}  // namespace khaacho::test
