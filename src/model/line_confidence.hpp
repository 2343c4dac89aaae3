// Carries the OCR engine's doubt over to the items: an item read from a line
// the engine itself was unsure of is flagged for review, because a wrong RFQ
// costs a shopkeeper more than a question does. Pure.
#pragma once

#include <string>
#include <vector>

#include "model/extracted_item.hpp"

namespace khaacho::model {

struct ocr_line {
  std::string text;
  double confidence = 0;  ///< 0..1
};

/// Marks items whose source line (item.line, compared trimmed) the engine
/// read with a confidence below `threshold` as unsure. Items whose line is not
/// among `lines` (merged duplicates, engines without line confidences) are
/// left as they are. Returns how many items it flagged.
/// `text` without white space at either end: an item's `line` and the OCR
/// line it came from compare equal this way.
std::string trimmed_line(const std::string& text);

size_t flag_low_confidence_items(std::vector<extracted_item>& items,
                                 const std::vector<ocr_line>& lines, double threshold);

}  // namespace khaacho::model
