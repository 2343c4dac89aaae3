// The checks the extraction tests repeat for each table row: one line gives
// exactly one item with this name, quantity and unit, read plainly or marked
// unsure for this reason.
#pragma once

#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "model/item_extraction.hpp"

namespace khaacho::test {

/// `reason`: nullopt = the item must be sure; a text = unsure for exactly that.
inline void check_one_item(const std::string& line, const std::string& name, double quantity,
                           const std::string& unit, std::optional<std::string> reason) {
  CAPTURE(line);
  auto items = model::extract_items(line);
  REQUIRE(items.size() == 1);
  CHECK(items[0].name == name);
  CHECK(items[0].quantity == quantity);
  CHECK(items[0].unit == unit);
  if (reason) {
    CHECK(items[0].unsure);
    CHECK(items[0].unsure_reason == *reason);
  } else {
    CHECK_FALSE(items[0].unsure);
  }
}

}  // namespace khaacho::test
