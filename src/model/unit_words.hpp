// Unit words as shopkeepers write them ("kgs", "ctn", "bora", "केजी", "दर्जन")
// mapped to the catalog's canonical units, plus the small UTF-8 and digit
// helpers the item extractor and cleaner share. Pure functions, no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace khaacho::model {

/// The canonical unit (catalog_units(): kg g l ml pcs packet carton dozen
/// bottle box bag can jar bundle tray) that a written unit word stands for, or
/// "" when the word is not a unit word. ASCII case-insensitive; trailing dots,
/// inner dots ("k.g.", "के.जी.") and plurals ("boxes", "bags", "बोतलहरू") are
/// accepted. Exact spellings only: see canonical_unit_ocr for damaged ones.
std::string_view canonical_unit(std::string_view word);

/// canonical_unit, and failing that an OCR-tolerant reading: digits that look
/// like letters ("b0ttle", "1tr") or one edit away from a known spelling of at
/// least five letters ("cartn", "packts", "botle"). `*fuzzy` (when not null)
/// is set to whether the match was approximate; an approximate match that fits
/// two different units gives "". With `short_words`, ASCII words of two to
/// four letters one edit away from a short spelling are read too ("ke", "kq"
/// -> kg, "bova" -> bag, "BrL" -> bottle): only for a word that ends an item
/// line right after its number, where little else can stand.
/// `*ambiguous` (when not null) is set when the word is close to spellings of
/// two different units ("bil": btl or bdl), so that "" means "a damaged unit
/// word" rather than "no unit word". Capitals "IZ"/"I2" are read as the "R"
/// OCR splits them from ("CAIZTOON"), and a Devanagari word that lost its
/// reph or a vowel sign ("काटुन", "दजेन") is matched on its consonants.
std::string_view canonical_unit_ocr(std::string_view word, bool* fuzzy = nullptr,
                                    bool short_words = false, bool* ambiguous = nullptr);

/// The byte length of the longest Devanagari unit spelling of at least two
/// letters that `word` starts with and does not end with ("ग्रामजीरा" -> the
/// length of "ग्राम"), where the rest starts a new letter (not a vowel sign);
/// 0 when there is none. For a unit written glued to the name after it.
std::size_t devanagari_unit_prefix(std::string_view word);

/// True for a unit counted in whole containers or pieces (pcs, packet, carton,
/// ...), false for the measures kg, g, l, ml and for "".
bool is_count_unit(std::string_view canonical);

/// `s` with the Devanagari digits ०-९ replaced by 0-9; other text unchanged.
std::string to_ascii_digits(std::string_view s);

/// ASCII lower case; other bytes unchanged.
std::string ascii_lower(std::string_view s);

namespace utf8 {

/// The code point starting at `pos`, advancing `pos` past it. An invalid or
/// truncated sequence yields U+FFFD and consumes one byte, so loops end.
char32_t next(std::string_view s, std::size_t& pos);

/// Number of code points (invalid bytes count one each).
std::size_t length(std::string_view s);

/// 0-9 or ०-९.
bool is_digit(char32_t c);

/// The digit's value for is_digit(c), else -1.
int digit_value(char32_t c);

/// A letter of a word: ASCII and Latin-1/Latin Extended letters, Devanagari
/// letters, vowel signs and marks (not its digits or danda), ZWJ and ZWNJ.
bool is_letter(char32_t c);

/// True if `s` holds at least one is_letter code point.
bool has_letter(std::string_view s);

/// Horizontal or vertical white space, including NBSP and the Unicode spaces.
bool is_space(char32_t c);

}  // namespace utf8

}  // namespace khaacho::model
