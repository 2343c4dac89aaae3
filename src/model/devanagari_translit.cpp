// Devanagari to a romanized key: a letter table plus the schwa deletion rule,
// and the folding of romanized spelling variants.
#include "model/devanagari_translit.hpp"

#include <vector>

#include "model/unit_words.hpp"

namespace khaacho::model {

namespace {

// Consonants U+0915..U+0939, in code point order.
constexpr const char* consonants[] = {
  "k", "kh", "g", "gh", "ng", "ch", "chh", "j", "jh", "n",   // क ख ग घ ङ च छ ज झ ञ
  "t", "th", "d", "dh", "n", "t", "th", "d", "dh", "n",      // ट ठ ड ढ ण त थ द ध न
  "n", "p", "ph", "b", "bh", "m", "y", "r", "r", "l",        // ऩ प फ ब भ म य र ऱ ल
  "l", "l", "v", "sh", "sh", "s", "h"};                      // ळ ऴ व श ष स ह

// Nukta forms U+0958..U+095F: क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़.
constexpr const char* nukta_consonants[] = {"q", "kh", "g", "z", "r", "rh", "f", "y"};

const char* consonant(char32_t c) {
  if (c >= 0x0915 && c <= 0x0939)
    return consonants[c - 0x0915];
  if (c >= 0x0958 && c <= 0x095F)
    return nukta_consonants[c - 0x0958];
  return nullptr;
}

// Independent vowels (U+0904..U+0914) and vowel signs (U+093E..U+094C).
const char* independent_vowel(char32_t c) {
  switch (c) {
    case 0x0904: return "e";
    case 0x0905: return "a";
    case 0x0906: return "aa";
    case 0x0907: return "i";
    case 0x0908: return "ii";
    case 0x0909: return "u";
    case 0x090A: return "uu";
    case 0x090B: return "ri";
    case 0x090C: return "li";
    case 0x090D: case 0x090E: case 0x090F: return "e";
    case 0x0910: return "ai";
    case 0x0911: case 0x0912: case 0x0913: return "o";
    case 0x0914: return "au";
    case 0x0960: return "rii";
    case 0x0972: return "e";
    default: return nullptr;
  }
}

const char* vowel_sign(char32_t c) {
  switch (c) {
    case 0x093E: return "aa";
    case 0x093F: return "i";
    case 0x0940: return "ii";
    case 0x0941: return "u";
    case 0x0942: return "uu";
    case 0x0943: return "ri";
    case 0x0944: return "rii";
    case 0x0945: case 0x0946: case 0x0947: return "e";
    case 0x0948: return "ai";
    case 0x0949: case 0x094A: case 0x094B: return "o";
    case 0x094C: return "au";
    case 0x094F: return "au";
    default: return nullptr;
  }
}

bool is_devanagari(char32_t c) { return c >= 0x0900 && c <= 0x097F; }

// One syllable-ish unit of a word: a consonant with its vowel, or a vowel.
struct akshara {
  std::string consonant;  // "" for an independent vowel
  std::string vowel;      // "" after a virama
  bool inherent = false;  // vowel is the unwritten schwa
  std::string coda;       // anusvara as n/m, written after the vowel
};

bool is_labial(const std::string& c) { return c == "p" || c == "ph" || c == "b" || c == "bh" || c == "m"; }

// Romanizes one run of Devanagari code points (no spaces inside).
void romanize_word(const std::vector<char32_t>& w, std::string& out) {
  std::vector<akshara> ak;
  for (size_t i = 0; i < w.size(); ++i) {
    char32_t c = w[i];
    if (const char* k = consonant(c)) {
      akshara a;
      a.consonant = k;
      // ज्ञ is said "gy" in Nepali (ज्ञान = gyan), whatever its letters say.
      if (c == 0x091C && i + 2 < w.size() && w[i + 1] == 0x094D && w[i + 2] == 0x091E) {
        a.consonant = "gy";
        i += 2;
      }
      a.vowel = "a";
      a.inherent = true;
      ak.push_back(std::move(a));
    } else if (c == 0x093C) {  // nukta on the previous consonant
      if (!ak.empty() && ak.back().inherent) {
        auto& k = ak.back().consonant;
        if (k == "k") k = "q";
        else if (k == "j") k = "z";
        else if (k == "ph") k = "f";
        else if (k == "d") k = "r";
        else if (k == "dh") k = "rh";
      }
    } else if (c == 0x094D) {  // virama: no vowel
      if (!ak.empty() && ak.back().inherent) {
        ak.back().vowel.clear();
        ak.back().inherent = false;
      }
    } else if (const char* v = vowel_sign(c)) {
      if (!ak.empty() && ak.back().inherent) {
        ak.back().vowel = v;
        ak.back().inherent = false;
      } else {
        ak.push_back({"", v, false, ""});
      }
    } else if (const char* v = independent_vowel(c)) {
      ak.push_back({"", v, false, ""});
    } else if (c == 0x0902) {  // anusvara: nasal coda
      if (!ak.empty())
        ak.back().coda = "n";
    } else if (c == 0x0950) {  // ॐ
      ak.push_back({"", "om", false, ""});
    }
    // chandrabindu, visarga, avagraha, ZWJ/ZWNJ and other marks: dropped.
  }
  // Anusvara before a labial is said m (खिंबु, चंपा).
  for (size_t i = 0; i + 1 < ak.size(); ++i)
    if (!ak[i].coda.empty() && is_labial(ak[i + 1].consonant))
      ak[i].coda = "m";
  // Schwa deletion: the word's last inherent vowel goes (तेल = tel), and so
  // does one between a vowel and a consonant with a vowel (नमकिन = namkin).
  auto has_vowel = [&](size_t i) { return !ak[i].vowel.empty(); };
  if (ak.size() > 1 && ak.back().inherent && ak.back().coda.empty())
    ak.back().vowel.clear();
  for (size_t i = 1; i + 1 < ak.size(); ++i) {
    if (!ak[i].inherent || !ak[i].coda.empty() || ak[i].vowel.empty())
      continue;
    if (has_vowel(i - 1) && !ak[i + 1].consonant.empty() && has_vowel(i + 1))
      ak[i].vowel.clear();
  }
  for (const auto& a : ak)
    out += a.consonant + a.vowel + a.coda;
}

bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }
bool is_ascii_letter(char c) { return c >= 'a' && c <= 'z'; }

}  // namespace

std::string romanize_devanagari(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::vector<char32_t> word;
  auto flush = [&] {
    if (!word.empty())
      romanize_word(word, out);
    word.clear();
  };
  for (size_t pos = 0; pos < text.size();) {
    size_t start = pos;
    char32_t c = utf8::next(text, pos);
    bool inside_word = word.empty() ? false : (c == 0x200C || c == 0x200D);
    if (is_devanagari(c) && c != 0x0964 && c != 0x0965 && !(c >= 0x0966 && c <= 0x096F)) {
      word.push_back(c);
      continue;
    }
    if (inside_word)
      continue;
    flush();
    if (c == 0x0964 || c == 0x0965)
      out += ' ';
    else if (c >= 0x0966 && c <= 0x096F)
      out += static_cast<char>('0' + (c - 0x0966));
    else
      out.append(text.substr(start, pos - start));
  }
  flush();
  return out;
}

std::string fold_romanized(std::string_view w) {
  std::string s;
  s.reserve(w.size() + 2);
  for (size_t i = 0; i < w.size(); ++i) {
    char c = w[i];
    char next = i + 1 < w.size() ? w[i + 1] : '\0';
    switch (c) {
      case 'c':
        if (next == 'h') {
          s += 'c';
          i += (i + 2 < w.size() && w[i + 2] == 'h') ? 2 : 1;  // chh
        } else {
          s += (next == 'e' || next == 'i' || next == 'y') ? 's' : 'k';
        }
        continue;
      case 'q': s += 'k'; continue;
      case 'x': s += "ks"; continue;
      case 'z': s += 'j'; continue;
      case 'w': s += 'v'; continue;
      case 'f': s += 'p'; continue;
      case 'h':
        // The aspirate after a consonant is spelled either way (khursani,
        // kursani; bhuja, buja): keep only h that starts a syllable.
        if (!s.empty() && is_ascii_letter(s.back()) && !is_vowel(s.back()))
          continue;
        s += 'h';
        continue;
      case 'y':
        s += s.empty() ? 'y' : 'i';
        continue;
      default:
        s += c;
    }
  }
  // ee -> i and oo -> u before doubled letters are made single.
  std::string t;
  t.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (i + 1 < s.size() && s[i] == 'e' && s[i + 1] == 'e') {
      t += 'i';
      ++i;
    } else if (i + 1 < s.size() && s[i] == 'o' && s[i + 1] == 'o') {
      t += 'u';
      ++i;
    } else {
      t += s[i];
    }
  }
  std::string out;
  out.reserve(t.size());
  for (char c : t)
    if (out.empty() || out.back() != c || !is_ascii_letter(c))
      out += c;
  return out;
}

}  // namespace khaacho::model
