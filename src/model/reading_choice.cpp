#include "model/reading_choice.hpp"

#include <algorithm>
#include <cstdio>

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

namespace {

std::string amount_text(double quantity, const std::string& unit) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%g", quantity);
  return unit.empty() ? std::string{buf} : std::string{buf} + " " + unit;
}

}  // namespace

size_t flag_disputed_amounts(std::vector<extracted_item>& items,
                             const std::vector<std::vector<ocr_line>>& groups,
                             const catalog_index& catalog, const match_thresholds& thresholds) {
  size_t flagged = 0;
  for (auto& item : items) {
    auto line = trimmed_line(item.line);
    auto mine = normalize_item(item, catalog, thresholds);
    if (!mine.product || line.empty())
      continue;
    std::string other_amount;
    // Chosen from another reading than the page's first, with no other
    // reading of the line seeing the same amount: read that way once only.
    bool unconfirmed = false;
    for (const auto& group : groups) {
      bool here = std::any_of(group.begin(), group.end(),
                              [&](const ocr_line& l) { return trimmed_line(l.text) == line; });
      if (!here || group.size() < 2)
        continue;
      bool confirmed = false;
      for (const auto& candidate : group) {
        if (trimmed_line(candidate.text) == line)
          continue;
        for (const auto& other : clean_items(extract_items(candidate.text))) {
          if (other.quantity == item.quantity && other.unit == item.unit)
            confirmed = true;
          auto theirs = normalize_item(other, catalog, thresholds);
          if (theirs.product == mine.product
              && (other.quantity != item.quantity || other.unit != item.unit))
            other_amount = amount_text(other.quantity, other.unit);
        }
      }
      unconfirmed = unconfirmed || (!confirmed && trimmed_line(group.front().text) != line);
    }
    std::string reason;
    if (!other_amount.empty())
      reason = "the photo reads as " + amount_text(item.quantity, item.unit) + " or " + other_amount
               + " on this line";
    else if (unconfirmed)
      reason = "only one reading of the photo sees " + amount_text(item.quantity, item.unit)
               + " on this line";
    if (reason.empty())
      continue;
    item.unsure_reason += item.unsure_reason.empty() ? reason : "; " + reason;
    item.unsure = true;
    ++flagged;
  }
  return flagged;
}

}  // namespace khaacho::model
