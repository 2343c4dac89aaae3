// Devanagari written the way Nepali shopkeepers spell goods, turned into a
// romanized key that meets the romanized spellings: चिनी, chini, cheeni and
// chinee all become "cini"; तेल and tel become "tel". Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace khaacho::model {

/// `text` with every Devanagari word romanized (ISO-like, ASCII only:
/// "चामल" -> "chaamal", "तोरीको" -> "toriiko", "नमकिन" -> "namkin"); other
/// characters are copied unchanged. The inherent vowel is dropped at the end
/// of a word and between a vowel and a consonant followed by a vowel, as
/// Nepali and Hindi pronounce it; nukta letters become their Perso-Arabic
/// sounds (ज़ -> z, फ़ -> f, ड़ -> r); anusvara becomes n (m before p, b, m);
/// chandrabindu, visarga, ZWJ and ZWNJ are dropped; danda becomes a space.
std::string romanize_devanagari(std::string_view text);

/// The spelling-variant key of one lower-case romanized word: c before e, i,
/// y as s and otherwise k (ch as c), q as k, x as ks, z as j, w as v, f as p,
/// h after a consonant dropped (kh, gh, ch, th, dh, ph, bh, sh), y inside a
/// word as i, ee as i, oo as u, and then every doubled letter single
/// ("cheeni" -> "cini", "aata" -> "ata", "noodles" -> "nudles"). Bytes that are
/// not ASCII letters are kept.
std::string fold_romanized(std::string_view word);

}  // namespace khaacho::model
