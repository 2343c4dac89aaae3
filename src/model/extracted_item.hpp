// An item as read off an order list, before catalog matching.
#pragma once

#include <string>
#include <vector>

namespace khaacho::model {

struct extracted_item {
  std::string name;      ///< as written, trimmed ("Wai Wai chicken", "चिनी")
  double quantity = 0;   ///< positive and finite once cleaned
  std::string unit;      ///< canonical unit (kg, g, l, ml, pcs, packet, ...) or "" when none was written
  std::string raw_unit;  ///< as written ("ctn", "केजी"), "" when none
  std::string line;      ///< the source line, for review screens and debugging
  /// The reading is doubtful (unknown unit word, odd quantity, merged
  /// duplicates disagreeing, ...): a person should look.
  bool unsure = false;
  std::string unsure_reason;
};

}  // namespace khaacho::model
