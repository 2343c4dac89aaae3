// Folding of written item names for matching: case, diacritics, punctuation
// and script differences removed, so "Lay's Magic-Masala", "lays magic
// masala" and "LAYS MAGIC MASALA" give the same tokens. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace khaacho::model {

/// One token of folded text.
struct folded_token {
  std::string text;
  /// The token touches the one before it with no separator: "g" in "75g",
  /// "pm" in "2pm", "चिनी" in "sugarचिनी".
  bool glued = false;
};

/// `text` cut into tokens: ASCII lower case; Latin letters with diacritics as
/// their base letter ("café" -> "cafe"); Devanagari digits as ASCII;
/// apostrophes dropped ("lay's" -> "lays"); every other character that is not
/// a letter or digit separates tokens, and so does a change between letters
/// and digits or between scripts ("500ml" -> "500" "ml"). A dot between two
/// digits stays ("2.25"). Devanagari stays Devanagari (see word_key).
std::vector<folded_token> fold_tokens(std::string_view text);

/// The tokens of fold_tokens joined by single spaces.
std::string fold_text(std::string_view text);

/// The match key of one token of fold_tokens: Devanagari romanized and
/// spelling variants folded (romanize_devanagari, fold_romanized), so
/// "चिनी", "chini" and "cheeni" give the same key. Digits are kept as is.
std::string word_key(std::string_view token);

/// The consonants of a word key, repeats made single: "sunplover" and
/// "sanaplavar" (sunflower written in Devanagari, romanized) both give
/// "snplvr". English words written in Devanagari keep their consonants but
/// not their vowels. "" for keys with fewer than four consonants (too many
/// words share those), numbers and keys that are not plain ASCII letters.
std::string consonant_skeleton(std::string_view key);

/// True if `token` is a number as fold_tokens writes it ("75", "2.25").
bool is_number_token(std::string_view token);

}  // namespace khaacho::model
