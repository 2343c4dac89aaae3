#include "model/ctc_decoding.hpp"

#include <algorithm>
#include <cstdint>

#include "model/unit_words.hpp"

namespace khaacho::model {

ocr_line ctc_greedy_decode(const float* probabilities, size_t steps, size_t classes,
                           const std::vector<std::string>& vocabulary, float gap_space_probability) {
  ocr_line out;
  if (probabilities == nullptr || classes == 0)
    return out;
  // The class of " " (0: none).
  size_t space = 0;
  if (gap_space_probability > 0)
    for (size_t k = 0; k < vocabulary.size() && k + 1 < classes; ++k)
      if (vocabulary[k] == " ")
        space = k + 1;
  size_t previous = 0;
  size_t last_kept = 0;  // class of the last character written, 0 before any
  float gap_space = 0;   // the space's highest probability since then
  double sum = 0;
  size_t kept = 0;
  for (size_t t = 0; t < steps; ++t) {
    const float* row = probabilities + t * classes;
    auto best = static_cast<size_t>(std::max_element(row, row + classes) - row);
    if (space != 0)
      gap_space = std::max(gap_space, row[space]);
    if (best != 0 && best != previous && best <= vocabulary.size()) {
      if (space != 0 && last_kept != 0 && last_kept != space && best != space &&
          gap_space >= gap_space_probability)
        out.text += ' ';
      out.text += vocabulary[best - 1];
      sum += row[best];
      ++kept;
      last_kept = best;
    }
    if (best != 0)
      gap_space = 0;
    previous = best;
  }
  out.confidence = kept == 0 ? 0.0 : sum / static_cast<double>(kept);
  return out;
}

namespace {

bool cjk_letter(char32_t cp) {
  return (cp >= 0x3040 && cp <= 0x30FF)      // kana
         || (cp >= 0x3400 && cp <= 0x4DBF)   // ideographs, extension A
         || (cp >= 0x4E00 && cp <= 0x9FFF)   // ideographs
         || (cp >= 0xAC00 && cp <= 0xD7AF)   // hangul
         || (cp >= 0xF900 && cp <= 0xFAFF)   // compatibility ideographs
         || (cp >= 0x20000 && cp <= 0x2FFFF);
}

/// ASCII look-alike of ideographic punctuation, 0 when there is none.
char ascii_of_punctuation(char32_t cp) {
  switch (cp) {
    case 0x3000: return ' ';
    case 0x3001: return ',';
    case 0x3002: return '.';
    case 0x3008: case 0x300A: case 0x3010: case 0x3014: return '(';
    case 0x3009: case 0x300B: case 0x3011: case 0x3015: return ')';
    case 0x300C: case 0x300E: case 0x2018: case 0x2019: return '\'';
    case 0x300D: case 0x300F: case 0x201C: case 0x201D: return '"';
    case 0x2014: case 0x2013: case 0x2012: case 0x2015: return '-';
    case 0x00B7: case 0x30FB: return '.';
    case 0x00D7: return 'x';
    default: return 0;
  }
}

}  // namespace

std::string latin_from_cjk_reading(const std::string& text) {
  std::string folded;
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    char32_t cp = utf8::next(text, i);
    if (cjk_letter(cp))
      return {};
    if (cp >= 0xFF01 && cp <= 0xFF5E)
      folded += static_cast<char>(cp - 0xFF01 + 0x21);
    else if (char a = ascii_of_punctuation(cp))
      folded += a;
    else if (cp == 0xFFFD)
      folded += "\xEF\xBF\xBD";  // a broken byte, as the replacement character
    else
      folded.append(text, start, i - start);
  }
  std::string out;
  for (char c : folded) {
    bool space = c == ' ' || c == '\t';
    if (space && (out.empty() || out.back() == ' '))
      continue;
    out += space ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

}  // namespace khaacho::model
