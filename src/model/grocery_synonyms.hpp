// Nepali words for kinds of goods and their English names as catalogs write
// them ("sabun" / "soap", "tel" / "oil", "chamal" / "rice"): a shopkeeper
// writes "Lux sabun" or "Dhara tel" for a product named "Lux Soap" or "Dhara
// Mustard Oil". Pure logic.
#pragma once

#include <string>
#include <string_view>

namespace khaacho::model {

/// The word key (text_folding's word_key) of the English word for the
/// Nepali word whose key is `key`, or "" when it is none of them. Devanagari
/// and romanized spellings fold to the same key, so "साबुन", "sabun" and
/// "saabun" all give the key of "soap".
const std::string& english_word_key(std::string_view key);

}  // namespace khaacho::model
