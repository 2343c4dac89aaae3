// Edit distance to word similarity, calibrated for the matcher's thresholds.
#include "model/word_similarity.hpp"

#include <algorithm>

namespace khaacho::model {

size_t allowed_word_edits(size_t len_a, size_t len_b) noexcept {
  size_t len = std::max(len_a, len_b);
  if (len <= 2)
    return 0;
  if (len <= 4)
    return 1;
  return 2;
}

double word_similarity(size_t edits, size_t len_a, size_t len_b) noexcept {
  if (edits == 0)
    return 1.0;
  if (edits > allowed_word_edits(len_a, len_b))
    return 0.0;
  double r = static_cast<double>(edits) / static_cast<double>(std::max(len_a, len_b));
  // Gentle for one typo in a long word (a clear misspelling still clears the
  // 0.85 auto-match bar), steep once a fifth of the word is wrong.
  if (r <= 0.2)
    return 1.0 - 0.7 * r;
  return std::max(0.0, 0.86 - 1.5 * (r - 0.2));
}

}  // namespace khaacho::model
