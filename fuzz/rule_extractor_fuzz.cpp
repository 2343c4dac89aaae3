// libFuzzer target: the built-in rule-based extractor (model::extract_items,
// then model::clean_items, as rule_based_extractor does) over any OCR text,
// and the line-at-a-time entry point over its first line.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "model/item_cleaning.hpp"
#include "model/item_extraction.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  using namespace khaacho::model;
  auto items = extract_items(text);
  for (const auto& item : items)
    if (!std::isfinite(item.quantity) || item.quantity < 0)
      std::abort();  // a quantity is a finite amount, never negative
  (void) clean_items(std::move(items));
  (void) extract_item_from_line(text.substr(0, text.find('\n')));
  return 0;
}
