// The item extractor that configuration names. Whatever an extractor returns
// is validated and cleaned the same way (model::clean_items).
#include "adapters/extract/item_extractor.hpp"

#include "adapters/extract/openai_extractor.hpp"
#include "adapters/extract/rule_based_extractor.hpp"
#include "common/errc.hpp"
#include "model/item_cleaning.hpp"

namespace khaacho::extract {

namespace {

/// Cleans the items of another extractor (the LLM's answer is only
/// schema-checked by its adapter).
class cleaned_extractor : public item_extractor {
public:
  explicit cleaned_extractor(std::unique_ptr<item_extractor> inner) : inner_(std::move(inner)) {
  }
  caf::expected<std::vector<model::extracted_item>> extract(const std::string& text) override {
    auto items = inner_->extract(text);
    if (!items)
      return items.error();
    return model::clean_items(std::move(*items));
  }
  std::string name() const override { return inner_->name(); }

private:
  std::unique_ptr<item_extractor> inner_;
};

}  // namespace

caf::expected<std::unique_ptr<item_extractor>> make_item_extractor(const config::extract_settings& s) {
  if (s.backend == "rules")
    return std::unique_ptr<item_extractor>{std::make_unique<rule_based_extractor>()};
  if (s.backend == "openai") {
    if (s.openai_api_key.empty())
      return caf::make_error(errc::bad_input,
                             "'extract.openai-api-key' (OPENAI_API_KEY) is required for the openai backend");
    return std::unique_ptr<item_extractor>{
      std::make_unique<cleaned_extractor>(std::make_unique<openai_extractor>(s))};
  }
  return caf::make_error(errc::bad_input, "'extract.backend' must be rules or openai");
}

}  // namespace khaacho::extract
