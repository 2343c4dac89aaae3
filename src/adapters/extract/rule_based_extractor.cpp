#include "adapters/extract/rule_based_extractor.hpp"

#include "model/item_cleaning.hpp"
#include "model/item_extraction.hpp"

namespace khaacho::extract {

caf::expected<std::vector<model::extracted_item>>
rule_based_extractor::extract(const std::string& ocr_text) {
  return model::clean_items(model::extract_items(ocr_text));
}

}  // namespace khaacho::extract
