// Word keys, sizes and bare numbers of an item or catalog name.
#include "model/match_terms.hpp"

#include <cmath>
#include <cstdlib>

#include "model/text_folding.hpp"
#include "model/unit_words.hpp"

namespace khaacho::model {

std::optional<pack_measure> make_measure(double value, std::string_view unit) {
  if (!(value > 0) || !std::isfinite(value))
    return std::nullopt;
  if (unit == "g")
    return pack_measure{'m', value};
  if (unit == "kg")
    return pack_measure{'m', value * 1000};
  if (unit == "ml")
    return pack_measure{'v', value};
  if (unit == "l")
    return pack_measure{'v', value * 1000};
  if (unit == "pcs")
    return pack_measure{'n', value};
  return std::nullopt;
}

bool same_measure(const pack_measure& a, const pack_measure& b) noexcept {
  return a.dimension != 0 && a.dimension == b.dimension &&
         std::fabs(a.amount - b.amount) <= 1e-3 * std::max(a.amount, b.amount);
}

match_terms analyze_match_text(std::string_view text) {
  match_terms out;
  auto tokens = fold_tokens(text);
  for (size_t i = 0; i < tokens.size(); ++i) {
    const auto& tok = tokens[i];
    if (is_number_token(tok.text)) {
      double value = std::strtod(tok.text.c_str(), nullptr);
      if (i + 1 < tokens.size()) {
        const auto& next = tokens[i + 1];
        std::string_view unit = canonical_unit(next.text);
        if (!unit.empty()) {
          if (auto m = make_measure(value, unit))
            out.sizes.push_back(*m);
          ++i;  // a count unit makes it a quantity: both words go
          continue;
        }
        if (next.glued && !is_number_token(next.text)) {
          if (out.words.size() < max_match_words)
            out.words.push_back(tok.text);
          continue;
        }
      }
      out.numbers.push_back(value);
      continue;
    }
    if (tok.text == "and" || tok.text == "x")
      continue;
    std::string key = word_key(tok.text);
    if (!key.empty() && out.words.size() < max_match_words)
      out.words.push_back(std::move(key));
  }
  return out;
}

}  // namespace khaacho::model
