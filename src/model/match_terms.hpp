// What a written item name or catalog name says for matching: its word keys,
// its pack size ("75 g", "1 ltr", "500ml") and bare numbers that may be a
// size written without its unit ("Parle G 250"). Pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace khaacho::model {

/// A pack size in base units: grams, millilitres or pieces.
struct pack_measure {
  char dimension = 0;  ///< 'm' mass (g), 'v' volume (ml), 'n' count (pcs); 0 for none
  double amount = 0;
};

/// The measure of `value` `unit` for the canonical units g, kg, ml, l and
/// pcs; none for other units (packet, carton, ...) and non-positive values.
std::optional<pack_measure> make_measure(double value, std::string_view unit);

/// Same dimension and amounts equal to a part in a thousand.
bool same_measure(const pack_measure& a, const pack_measure& b) noexcept;

/// Words at most kept per text; the rest is ignored (bounds the work per item).
constexpr size_t max_match_words = 16;

struct match_terms {
  std::vector<std::string> words;    ///< word keys (word_key), in written order
  std::vector<pack_measure> sizes;   ///< number + g/kg/ml/l/pcs
  std::vector<double> numbers;       ///< numbers standing alone
};

/// Reads `text`: a number followed by a measure unit (canonical_unit: "g",
/// "gm", "ltr", "केजी", ...) is a size; by a count unit ("20 packets",
/// "5 ctn") a quantity, dropped; glued to following letters ("2pm", "7up")
/// part of the words; otherwise a bare number. "and" and "x" (as in "x 20")
/// are dropped.
match_terms analyze_match_text(std::string_view text);

}  // namespace khaacho::model
