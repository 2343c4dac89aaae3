// Matching caf::error values against khaacho::errc in assertions.
#pragma once

#include "common/errc.hpp"

namespace khaacho::test {

inline bool has_code(const caf::error& err, errc code) {
  return err.category() == caf::atom("khaacho") && static_cast<errc>(err.code()) == code;
}

}  // namespace khaacho::test
