// Validation and clean-up of extracted items, whichever extractor produced
// them (the rule-based one or an LLM): the last step before matching.
// Pure code, no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "model/extracted_item.hpp"

namespace khaacho::model {

/// The items a matcher may see, in their first-seen order:
/// - dropped: quantity not finite or not positive; name empty or without a
///   letter or digit once trimmed;
/// - name trimmed: white space collapsed, bullets and punctuation stripped at
///   both ends (a closing parenthesis with its opening one inside stays);
/// - unit: a canonical unit stays; a spelling canonical_unit knows ("kgs",
///   "ctn") becomes its canonical unit; anything else becomes "" with the
///   word kept in raw_unit and the item unsure ("unknown unit 'x'"); an empty
///   unit whose raw_unit is a known spelling takes that unit;
/// - quantity over 1000: unsure;
/// - duplicates (same normalized_name and unit) merged: quantities added,
///   unsure if either was, source lines joined with '\n'; the same name with
///   different units stays apart and every such item is unsure;
/// - at most `max_items` kept; when more were read the last kept item is
///   unsure with reason "too many items".
std::vector<extracted_item> clean_items(std::vector<extracted_item> items,
                                        std::size_t max_items = 100);

/// `name` trimmed as clean_items does it ("  - Wai  Wai chicken, " ->
/// "Wai Wai chicken").
std::string trim_item_name(std::string_view name);

/// The key duplicates are found by: ASCII lower case, Devanagari digits as
/// ASCII, punctuation as space, white space collapsed ("Wai-Wai  Chicken" and
/// "wai wai chicken" are equal).
std::string normalized_name(std::string_view name);

}  // namespace khaacho::model
