// Several OCR readings of one page (different scales of the same photo)
// misread different lines. Pairing their lines lets a later step keep, line
// by line, the reading that makes sense (model/reading_choice).
#pragma once

#include <vector>

#include "model/line_confidence.hpp"

namespace khaacho::model {

/// Character similarity of two lines in [0,1] (1 - edits / longer length),
/// spaces and the case of ASCII letters ignored.
double line_similarity(const std::string& a, const std::string& b);

/// For each line of readings[0], that line followed by the lines of the
/// other readings paired with it. Pairs come from a monotone alignment
/// (reading order is kept) that maximizes the summed similarity of pairs at
/// or above `min_similarity`; a line with no partner in a reading simply has
/// fewer alternatives. Lines only the other readings found are dropped: with
/// nothing in the first reading to pair them with they cannot be placed
/// without risking the same item twice.
std::vector<std::vector<ocr_line>> align_readings(const std::vector<std::vector<ocr_line>>& readings,
                                                  double min_similarity = 0.4);

}  // namespace khaacho::model
