// How alike two word keys are, from their edit distance: the one rule both
// the indexed and the exhaustive catalog match use. Pure functions.
#pragma once

#include <cstddef>

namespace khaacho::model {

/// Most edits two word keys of these lengths (in code points) may differ by
/// and still count as the same word: none up to two letters, one up to four,
/// two from five on ("rara"/"raara" yes, "veg"/"bej" no). Never more than
/// two, which word_lookup relies on.
size_t allowed_word_edits(size_t len_a, size_t len_b) noexcept;

/// Similarity in [0,1] of two word keys `edits` apart: 1 when equal, 0 when
/// more than allowed_word_edits apart; one typo in five letters is 0.86, in
/// eight 0.91; two typos in six 0.66.
double word_similarity(size_t edits, size_t len_a, size_t len_b) noexcept;

}  // namespace khaacho::model
