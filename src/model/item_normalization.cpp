#include "model/item_normalization.hpp"

#include <algorithm>
#include <cstdio>

namespace khaacho::model {

namespace {

std::string two_decimals(double x) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", x);
  return buf;
}

void flag(normalized_item& out, const std::string& why) {
  out.needs_review = true;
  out.review_reason = out.review_reason.empty() ? why : out.review_reason + "; " + why;
}

}  // namespace

normalized_item normalize_item(const extracted_item& item, const catalog_index& catalog,
                               const match_thresholds& thresholds) {
  normalized_item out;
  out.unit = item.unit;
  auto found = catalog.match(item.name, 1);
  if (found.empty() || found.front().score < thresholds.review) {
    out.confidence = found.empty() ? 0.0 : std::clamp(found.front().score, 0.0, 1.0);
    flag(out, "no catalog product matches \"" + item.name + "\"");
    if (item.unsure)
      flag(out, item.unsure_reason.empty() ? "the reading is unsure" : item.unsure_reason);
    return out;
  }
  const auto& best = found.front();
  const auto& product = catalog.products()[best.product];
  out.product = best.product;
  out.matched = best.matched;
  out.confidence = std::clamp(best.score, 0.0, 1.0);
  if (out.confidence < thresholds.auto_match)
    flag(out, "unsure match to \"" + product.name + "\" (score " + two_decimals(out.confidence)
                + ")");
  if (out.unit.empty())
    out.unit = product.unit;  // "where no unit is written, the product's own unit is meant"
  product_unit sold{product.unit, product.pack_size_value, product.pack_size_unit};
  out.amount = fit_amount(item.quantity, item.unit, sold);
  if (out.amount.fit == unit_fit::mismatch) {
    out.confidence *= unit_mismatch_factor;
    flag(out, out.amount.reason);
  }
  if (item.unsure)
    flag(out, item.unsure_reason.empty() ? "the reading is unsure" : item.unsure_reason);
  return out;
}

}  // namespace khaacho::model
