// Levenshtein distance by the bit-parallel algorithm of Myers (1999) in
// Hyyrö's formulation: one machine word per 64 pattern symbols, so a short
// pattern costs a handful of instructions per text symbol. Optionally with
// swapped neighbours as one edit (Hyyrö 2003, optimal string alignment).
// Pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace khaacho::model {

/// A pattern prepared once for many distance computations against different
/// texts (the query word against every candidate word). Symbols are Unicode
/// code points of UTF-8 text; invalid bytes count one symbol each. Immutable
/// after construction, so one pattern may be used from several threads.
class myers_pattern {
 public:
  /// With `swaps`, two adjacent symbols written in the other order cost one
  /// edit, not two (optimal string alignment: "matra"/"matar", "gtae"/"gate",
  /// the commonest slip of a hand writing fast). Only for patterns of up to
  /// 64 symbols; longer ones count plain Levenshtein edits.
  explicit myers_pattern(std::string_view pattern, bool swaps = false);

  /// Number of symbols in the pattern.
  size_t size() const noexcept { return m_; }

  /// Levenshtein distance (insert, delete, substitute; each costs 1) between
  /// the pattern and `text`.
  size_t distance(std::string_view text) const;

  /// Distance between the pattern and the text `head` followed by `tail`,
  /// without building that string (run-together words: "wai" + "wai").
  size_t distance(std::string_view head, std::string_view tail) const;

 private:
  // Match masks of one symbol: bit i of block b is set where pattern symbol
  // 64*b+i equals it. ASCII symbols index a table; the rest are looked up.
  const uint64_t* masks(char32_t c) const;
  size_t distance_single(std::string_view head, std::string_view tail) const;
  size_t distance_blocked(std::string_view text) const;

  size_t m_ = 0;
  size_t blocks_ = 0;
  bool swaps_ = false;
  bool ascii_ = true;
  std::vector<uint64_t> ascii_masks_;  // 128 * blocks_
  std::vector<std::pair<char32_t, std::vector<uint64_t>>> other_masks_;  // sorted by symbol
  std::vector<uint64_t> zero_;  // blocks_ zeros, for symbols not in the pattern
};

/// Levenshtein distance between two UTF-8 strings, counted in code points.
size_t levenshtein(std::string_view a, std::string_view b);

}  // namespace khaacho::model
