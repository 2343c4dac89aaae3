// Picks, line by line, which OCR reading of a page to believe. The catalog
// is the judge: a line that reads as an item of a known product in one
// reading and as noise in another was most likely written as the former.
#pragma once

#include <vector>

#include "model/catalog_index.hpp"
#include "model/item_normalization.hpp"
#include "model/line_confidence.hpp"

namespace khaacho::model {

/// How well one OCR line reads as an order item: the best match confidence
/// among the items the rules extract from it (0 when none is matched), plus
/// a tenth of the engine's confidence in the line to break ties.
double reading_fit(const ocr_line& line, const catalog_index* catalog,
                   const match_thresholds& thresholds);

/// One line per group (groups as align_readings makes them): the candidate
/// with the best reading_fit; the first candidate on ties. Without a
/// catalog the engine's confidence alone decides.
std::vector<ocr_line> choose_readings(const std::vector<std::vector<ocr_line>>& groups,
                                      const catalog_index* catalog,
                                      const match_thresholds& thresholds);

/// Flags the items whose line another reading of the same line reads as the
/// same product with a different amount ("4 bottle" against "5 bottle"):
/// the catalog cannot tell which digit was written, and a wrong amount
/// would reach a wholesaler unnoticed. Also flags an item taken from a
/// reading other than the page's first whose amount no other reading of the
/// line sees (a re-read alone found it). Returns how many were flagged.
size_t flag_disputed_amounts(std::vector<extracted_item>& items,
                             const std::vector<std::vector<ocr_line>>& groups,
                             const catalog_index& catalog, const match_thresholds& thresholds);

}  // namespace khaacho::model
