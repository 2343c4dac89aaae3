// The built-in extractor (the embedded default): the rules of
// model::extract_items, then model::clean_items. No I/O; safe anywhere.
#pragma once

#include "adapters/extract/item_extractor.hpp"

namespace khaacho::extract {

class rule_based_extractor : public item_extractor {
public:
  caf::expected<std::vector<model::extracted_item>> extract(const std::string& ocr_text) override;
  std::string name() const override { return "rules"; }
};

}  // namespace khaacho::extract
