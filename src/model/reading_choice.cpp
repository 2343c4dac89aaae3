#include "model/reading_choice.hpp"

#include <algorithm>

#include "model/item_cleaning.hpp"
#include "model/item_extraction.hpp"

namespace khaacho::model {

double reading_fit(const ocr_line& line, const catalog_index* catalog,
                   const match_thresholds& thresholds) {
  double best = 0.0;
  if (catalog != nullptr)
    for (const auto& item : clean_items(extract_items(line.text))) {
      auto n = normalize_item(item, *catalog, thresholds);
      if (n.product)
        best = std::max(best, n.confidence);
    }
  return best + 0.1 * line.confidence;
}

std::vector<ocr_line> choose_readings(const std::vector<std::vector<ocr_line>>& groups,
                                      const catalog_index* catalog,
                                      const match_thresholds& thresholds) {
  std::vector<ocr_line> out;
  out.reserve(groups.size());
  for (const auto& group : groups) {
    if (group.empty())
      continue;
    const ocr_line* chosen = &group.front();
    double chosen_fit = group.size() > 1 ? reading_fit(*chosen, catalog, thresholds) : 0.0;
    for (size_t i = 1; i < group.size(); ++i)
      if (double fit = reading_fit(group[i], catalog, thresholds); fit > chosen_fit) {
        chosen = &group[i];
        chosen_fit = fit;
      }
    out.push_back(*chosen);
  }
  return out;
}

}  // namespace khaacho::model
