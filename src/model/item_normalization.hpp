// One extracted item matched to the catalog: which product, how sure, and
// whether a person must look before wholesalers are asked (DESIGN.md,
// "Normalization"). Pure logic over an already built catalog_index.
#pragma once

#include <optional>
#include <string>

#include "model/catalog_index.hpp"
#include "model/extracted_item.hpp"
#include "model/unit_conversion.hpp"

namespace khaacho::model {

struct match_thresholds {
  double auto_match = 0.85;  ///< at or above: matched, no review
  double review = 0.6;       ///< at or above: matched but flagged; below: unmatched
};

struct normalized_item {
  std::optional<size_t> product;  ///< index into the catalog's products
  double confidence = 0;          ///< in [0,1]
  bool needs_review = false;
  std::string review_reason;      ///< "" when sure
  std::string matched;            ///< the catalog name or alias that matched
  std::string unit;               ///< as written, or the product's unit when none was
  fitted_amount amount;           ///< the quantity in stock terms (when matched)
};

/// Matches `item` against `catalog`. A unit that cannot be the product's
/// amount lowers the confidence and flags the item; so does a reading the
/// extractor was unsure of.
normalized_item normalize_item(const extracted_item& item, const catalog_index& catalog,
                               const match_thresholds& thresholds);

/// How much a unit that does not fit the product costs in confidence.
inline constexpr double unit_mismatch_factor = 0.75;

}  // namespace khaacho::model
