// The rule-based extractor of item_extraction.hpp. Each line goes through
// four steps: pieces (runs of letters, runs of digits, single punctuation),
// tokens (words, numbers, dates, phone numbers, separators), quantity groups
// (number [fraction] [unit word]), and the choice of the group that is the
// quantity; what is left, trimmed, is the name.
#include "model/item_extraction.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_set>

#include "model/unit_words.hpp"

namespace khaacho::model {

namespace {

// ---------------------------------------------------------------- pieces

enum class piece_kind { letters, digits, fraction, punct };

struct piece {
  piece_kind kind = piece_kind::punct;
  size_t b = 0;               // byte span in the line
  size_t e = 0;
  char32_t cp = 0;            // punct, fraction: the code point
  bool space_before = true;   // white space or the line start before it
  std::string digits;         // digits: ASCII, OCR-fixed
  uint8_t script = 0;         // digits: 1 ASCII digits, 2 Devanagari digits, 3 both
  bool guessed = false;       // digits: read from a look-alike ("@", "\\", "S", "उ")
};

bool is_vowel_sign(char32_t c) {
  return (c >= 0x0900 && c <= 0x0903) || (c >= 0x093A && c <= 0x094F) ||
         (c >= 0x0951 && c <= 0x0957) || c == 0x0962 || c == 0x0963;
}

// The digit a character stands for when OCR put it where a quantity is
// written: Latin letters and strokes that look like digits, and the
// Devanagari letters that look like Devanagari digits (उ for ३, र for २).
int lookalike_digit(char32_t c) {
  switch (c) {
    case 'O': case 'o': case 'D': case 'Q': return 0;
    case 'I': case 'l': case 'i': case '|': case '\\': case '!': case ']': case '[':
    case 0x0964: return 1;
    case 'Z': case 'z': case 0x0930: return 2;  // र
    case 0x0909: return 3;                       // उ
    case '+': case 'y': case 'Y': return 4;
    case 'S': case 's': return 5;
    case 'G': case 'b': return 6;
    case 'T': return 7;
    case 'B': case '&': return 8;
    case 'g': case 'q': return 9;
    default: return -1;
  }
}

// The digits `s` (one or two code points, all look-alikes) stands for, or "".
std::string lookalike_number(std::string_view s) {
  std::string out;
  for (size_t pos = 0; pos < s.size();) {
    int d = lookalike_digit(utf8::next(s, pos));
    if (d < 0 || out.size() >= 2)
      return {};
    out.push_back(static_cast<char>('0' + d));
  }
  return out;
}

double fraction_value(char32_t c) {
  switch (c) {
    case 0x00BD: return 0.5;         // ½
    case 0x00BC: return 0.25;        // ¼
    case 0x00BE: return 0.75;        // ¾
    case 0x2153: return 1.0 / 3.0;   // ⅓
    case 0x2154: return 2.0 / 3.0;   // ⅔
    case 0x215B: return 0.125;       // ⅛
    default: return 0;
  }
}

std::vector<piece> split_pieces(std::string_view s) {
  std::vector<piece> out;
  size_t pos = 0;
  bool space = true;
  auto peek = [&](size_t at, size_t& after) {
    after = at;
    return utf8::next(s, after);
  };
  while (pos < s.size()) {
    size_t start = pos;
    char32_t c = utf8::next(s, pos);
    if (utf8::is_space(c)) {
      space = true;
      continue;
    }
    piece p;
    p.b = start;
    p.space_before = space;
    space = false;
    if (utf8::is_digit(c)) {
      p.kind = piece_kind::digits;
      p.digits.push_back(static_cast<char>('0' + utf8::digit_value(c)));
      p.script = c < 0x80 ? 1 : 2;
      while (pos < s.size()) {
        size_t q;
        char32_t d = peek(pos, q);
        if (!utf8::is_digit(d))
          break;
        p.digits.push_back(static_cast<char>('0' + utf8::digit_value(d)));
        p.script |= d < 0x80 ? 1 : 2;
        pos = q;
      }
    } else if (utf8::is_letter(c)) {
      p.kind = piece_kind::letters;
      size_t segment = 1;  // code points since the word start or the last inner dot
      while (pos < s.size()) {
        size_t q;
        char32_t d = peek(pos, q);
        if (utf8::is_letter(d)) {
          pos = q;
          ++segment;
          continue;
        }
        if ((d == '\'' || d == 0x2019 || d == '.') && q < s.size()) {
          size_t r;
          if (!utf8::is_letter(peek(q, r)))
            break;
          if (d == '.') {
            // Abbreviation dots ("k.g.", "के.जी.", "मि.लि."): short parts only,
            // so "dal.Rara" stays two words.
            size_t next_segment = 0;
            for (size_t r2 = q; r2 < s.size();) {
              size_t r3;
              if (!utf8::is_letter(peek(r2, r3)))
                break;
              ++next_segment;
              r2 = r3;
            }
            if (segment > 3 || next_segment > 3)
              break;
            segment = 0;
          }
          pos = q;
          continue;
        }
        break;
      }
    } else if (fraction_value(c) > 0) {
      p.kind = piece_kind::fraction;
      p.cp = c;
    } else {
      p.kind = piece_kind::punct;
      p.cp = c;
    }
    p.e = pos;
    out.push_back(std::move(p));
  }
  return out;
}

bool glued(const std::vector<piece>& ps, size_t i) {
  return i < ps.size() && !ps[i].space_before;
}

bool all_of_chars(std::string_view s, std::string_view set) {
  if (s.empty())
    return false;
  for (char c : s)
    if (set.find(c) == std::string_view::npos)
      return false;
  return true;
}

// OCR confusions next to numbers: "|" or "l" for 1, "O" for 0 ("1O kg",
// "l0 kg", "5|"), then glued digit runs joined ("1" "0" -> "10").
void fix_ocr_digits(std::string_view line, std::vector<piece>& ps) {
  auto text = [&](const piece& p) { return line.substr(p.b, p.e - p.b); };
  auto is_digits = [&](size_t i) { return i < ps.size() && ps[i].kind == piece_kind::digits; };
  auto is_unit = [&](size_t i) {
    return i < ps.size() && ps[i].kind == piece_kind::letters && !canonical_unit(text(ps[i])).empty();
  };
  // The first digit of a quantity read as its look-alike letter, glued to
  // the rest: "Z4PKT" for 24PKT (digits and a unit follow), "O.5 kg" for
  // 0.5 kg (a decimal point follows). That digit, or -1. A guess.
  auto lookalike_lead = [&](size_t i) {
    const piece& p = ps[i];
    if (p.kind != piece_kind::letters || p.e - p.b != 1)
      return -1;
    char c = line[p.b];
    bool before_unit = is_digits(i + 1) && glued(ps, i + 1) && is_unit(i + 2);
    bool before_point = (c == 'O' || c == 'o') && i + 2 < ps.size() &&
                        ps[i + 1].kind == piece_kind::punct && ps[i + 1].cp == '.' &&
                        glued(ps, i + 1) && is_digits(i + 2) && glued(ps, i + 2);
    return before_unit || before_point ? lookalike_digit(static_cast<unsigned char>(c)) : -1;
  };
  for (size_t i = 0; i < ps.size(); ++i) {
    piece& p = ps[i];
    bool digits_before = i > 0 && is_digits(i - 1) && !p.space_before;
    bool digits_after = is_digits(i + 1) && glued(ps, i + 1);
    bool unit_after = is_unit(i + 1);
    bool word_start = i == 0 || p.space_before || ps[i - 1].kind != piece_kind::letters;
    if (p.kind == piece_kind::punct && p.cp == '|' && (digits_before || digits_after)) {
      p.kind = piece_kind::digits;
      p.digits = "1";
      p.script = 1;
    } else if (p.kind == piece_kind::punct && p.cp == '\\' && digits_after) {
      p.kind = piece_kind::digits;  // "\0 kg": a 1 read as a backslash
      p.digits = "1";
      p.script = 1;
      p.guessed = true;
    } else if (p.kind == piece_kind::punct && p.cp == '@' && digits_before &&
               (digits_after || (unit_after && (glued(ps, i + 1) || i + 2 == ps.size() ||
                                                ps[i + 2].space_before)))) {
      p.kind = piece_kind::digits;  // "1@ nos", "1@pkt": a 0 read as "@"
      p.digits = "0";
      p.script = 1;
      p.guessed = true;
    } else if (p.kind == piece_kind::letters && all_of_chars(text(p), "lI") && digits_after &&
               word_start) {
      p.kind = piece_kind::digits;
      p.digits.assign(p.e - p.b, '1');
      p.script = 1;
    } else if (int lead = lookalike_lead(i); lead >= 0 && word_start) {
      p.kind = piece_kind::digits;
      p.digits.assign(1, static_cast<char>('0' + lead));
      p.script = 1;
      p.guessed = true;
    } else if (p.kind == piece_kind::letters && digits_before) {
      std::string_view t = text(p);
      size_t zeros = 0;
      while (zeros < t.size() && (t[zeros] == 'O' || t[zeros] == 'o'))
        ++zeros;
      if (zeros == 0 || !canonical_unit(t).empty())
        continue;  // "5ota" is 5 pieces, not 50ta
      std::string_view rest = t.substr(zeros);
      if (rest.empty() ? glued(ps, i + 1) && !is_digits(i + 1) : canonical_unit(rest).empty())
        continue;
      piece zero = p;
      zero.kind = piece_kind::digits;
      zero.digits.assign(zeros, '0');
      zero.script = 1;
      zero.e = p.b + zeros;
      if (rest.empty()) {
        p = zero;
      } else {
        p.b += zeros;
        p.space_before = false;
        ps.insert(ps.begin() + static_cast<std::ptrdiff_t>(i), zero);
        ++i;
      }
    }
  }
  std::vector<piece> merged;
  for (auto& p : ps) {
    if (p.kind == piece_kind::digits && !merged.empty() &&
        merged.back().kind == piece_kind::digits && !p.space_before) {
      merged.back().digits += p.digits;
      merged.back().e = p.e;
      merged.back().script |= p.script;
      merged.back().guessed = merged.back().guessed || p.guessed;
    } else {
      merged.push_back(std::move(p));
    }
  }
  ps = std::move(merged);
}

// Units glued where they do not belong: a Devanagari unit glued to the name
// after it ("२००ग्रामजीरा" -> "२००ग्राम जीरा"), and a quantity digit OCR read as
// a look-alike letter glued to its unit ("उकार्टुन" for ३कार्टुन, "SKG" for
// 5KG); the latter is a guess.
void split_glued_units(std::string_view line, std::vector<piece>& ps) {
  static const std::unordered_set<std::string_view> plain_words = {
    "can", "tin", "jar", "bag", "box", "tray", "than", "no", "nos", "ota", "gota", "pis",
    "pc", "pk", "g", "l", "gr", "lit"};
  for (size_t i = 0; i < ps.size(); ++i) {
    piece& p = ps[i];
    if (p.kind != piece_kind::letters)
      continue;
    std::string_view t = line.substr(p.b, p.e - p.b);
    if (!canonical_unit(t).empty())
      continue;
    bool after_digits = i > 0 && ps[i - 1].kind == piece_kind::digits && !p.space_before;
    if (after_digits) {
      size_t n = devanagari_unit_prefix(t);
      if (n == 0)
        continue;
      piece rest = p;
      rest.b = p.b + n;
      rest.space_before = true;
      p.e = p.b + n;
      ps.insert(ps.begin() + static_cast<std::ptrdiff_t>(i) + 1, rest);
      ++i;
      continue;
    }
    size_t pos = 0;
    char32_t c = utf8::next(t, pos);
    int d = lookalike_digit(c);
    std::string digits(1, static_cast<char>('0' + d));
    if (d >= 0 && c < 0x80 && pos + 2 < t.size() && canonical_unit(t.substr(pos)).empty()) {
      int d2 = lookalike_digit(static_cast<unsigned char>(t[pos]));
      if (d2 >= 0 && !canonical_unit(t.substr(pos + 1)).empty()) {
        digits.push_back(static_cast<char>('0' + d2));  // "ZOLT": 20 LT
        ++pos;
      }
    }
    std::string_view rest = t.substr(pos);
    if (d < 0 || rest.empty() || canonical_unit(rest).empty())
      continue;
    bool latin = c < 0x80;
    size_t rest_pos = 0;
    char32_t r0 = utf8::next(rest, rest_pos);
    if (latin ? (r0 >= 0x80 || plain_words.count(ascii_lower(rest)) > 0 || rest.size() < 2)
              : (r0 < 0x0900 || is_vowel_sign(r0) || utf8::length(rest) < 3))
      continue;
    piece digit;
    digit.kind = piece_kind::digits;
    digit.b = p.b;
    digit.e = p.b + pos;
    digit.space_before = p.space_before;
    digit.digits = digits;
    digit.script = latin ? 1 : 2;
    digit.guessed = true;
    p.b += pos;
    p.space_before = false;
    ps.insert(ps.begin() + static_cast<std::ptrdiff_t>(i), digit);
    ++i;
  }
}

// ---------------------------------------------------------------- list markers

enum class marker { none, dash, bullet, number };

bool is_dash(char32_t c) {
  return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == '~';
}

bool is_bullet(char32_t c) {
  switch (c) {
    case '*': case '>': case 0x2022: case 0x00B7: case 0x25BA: case 0x25AA: case 0x25CF:
    case 0x25E6: case 0x25CB: case 0x2713: case 0x2714: case 0x2192: case 0x00BB: case 0x27A2:
    case 0x2023: case 0x2043: case 0x25A0: case 0x25A1: case 0x2219:
      return true;
    default:
      return false;
  }
}

bool is_leading_junk(char32_t c) {
  switch (c) {
    case '|': case 0x0964: case 0x0965: case '.': case ',': case ':': case ';': case '_':
    case '\'': case '"': case '`': case 0x2018: case 0x2019: case 0x201C: case 0x201D:
    case '=': case '!': case ')': case ']': case '}': case 0x00A6: case 0x00AB: case '#':
      return true;
    default:
      return false;
  }
}

// Strips "1.", "2)", "(3)", "१.", and bullets; returns the first body piece.
// Also list numbers OCR damaged: read as one or two letters ("Y)", "og)" for
// "४)", "११)"), or glued to the quantity after them ("1.3 ctn" for "1. 3
// ctn": a count unit is not counted in tenths).
size_t strip_marker(std::string_view line, const std::vector<piece>& ps, marker& m) {
  size_t k = 0;
  m = marker::none;
  bool numbered = false;
  auto punct_is = [&](size_t i, char32_t c) {
    return i < ps.size() && ps[i].kind == piece_kind::punct && ps[i].cp == c;
  };
  auto small_number = [&](size_t i) {
    return i < ps.size() && ps[i].kind == piece_kind::digits && ps[i].digits.size() <= 3;
  };
  while (k < ps.size()) {
    const piece& p = ps[k];
    if (p.kind == piece_kind::punct && is_leading_junk(p.cp)) {
      ++k;  // OCR specks and strokes before the list number: "| 3) ...", "।| ..."
      continue;
    }
    if (p.kind == piece_kind::punct && (is_dash(p.cp) || is_bullet(p.cp))) {
      if (m == marker::none)
        m = is_dash(p.cp) ? marker::dash : marker::bullet;
      ++k;
      continue;
    }
    if (numbered)
      break;
    if (punct_is(k, '(') && small_number(k + 1) && punct_is(k + 2, ')') && glued(ps, k + 1) &&
        glued(ps, k + 2)) {
      k += 3;
      numbered = true;
      m = marker::number;
      continue;
    }
    if (small_number(k) && (punct_is(k + 1, '.') || punct_is(k + 1, ')')) && glued(ps, k + 1)) {
      // "1.5 kg" is a decimal, not item 1; "1.3 ctn" is item 1, 3 cartons.
      if (glued(ps, k + 2) && ps[k + 2].kind == piece_kind::digits) {
        const std::string& tenths = ps[k + 2].digits;
        bool counted = k + 3 < ps.size() && ps[k + 3].kind == piece_kind::letters &&
                       is_count_unit(canonical_unit(
                           line.substr(ps[k + 3].b, ps[k + 3].e - ps[k + 3].b)));
        if (!punct_is(k + 1, '.') || !counted || tenths.size() != 1 || tenths == "5" ||
            tenths == "0")
          break;
        k += 2;
        numbered = true;
        m = marker::number;
        continue;
      }
      k += 2;
      if (punct_is(k, ')') && glued(ps, k))
        ++k;  // "1.)"
      numbered = true;
      m = marker::number;
      continue;
    }
    if (k + 2 < ps.size() && ps[k].kind == piece_kind::letters && punct_is(k + 1, ')') &&
        glued(ps, k + 1) && ps[k + 2].space_before && ps[k].e - ps[k].b <= 2 &&
        static_cast<unsigned char>(line[ps[k].b]) < 0x80) {
      k += 2;  // "Y)", "og)": a list number read as letters
      numbered = true;
      m = marker::number;
      continue;
    }
    break;
  }
  return k;
}

// ---------------------------------------------------------------- tokens

enum class token_kind { word, number, sep, open, close, other, date, phone };

struct token {
  token_kind kind = token_kind::other;
  size_t b = 0;
  size_t e = 0;
  std::string text;  // word: ASCII lower case; number: ASCII digits as written
  double value = 0;
  uint8_t script = 0;    // number: 1 ASCII digits, 2 Devanagari digits, 3 both
  bool guessed = false;  // number: a digit was read from a look-alike
  bool damaged = false;  // word: Devanagari digits OCR put for Latin letters
  bool fraction = false;        // a fraction (slash or ½)
  bool slash_fraction = false;  // written "1/2"
  char32_t sep = 0;
  bool glued_left = false;
  bool glued_right = false;
};

bool is_chain_sep(char32_t c) {
  return c == '.' || c == ',' || c == '/' || c == '-' || c == ':';
}

double pow10(size_t n) {
  double r = 1;
  while (n-- > 0)
    r *= 10;
  return r;
}

double integer_value(const std::string& digits) {
  double v = 0;
  for (char c : digits)
    v = v * 10 + (c - '0');
  return v;
}

// A run of digit groups joined by . , / - : ("2.25", "1/2", "2081/08/12",
// "9812-345678"), read as one number, a date, a phone number or other text.
token classify_chain(const std::vector<std::string>& groups, const std::string& seps, bool plus) {
  token t;
  size_t total = 0;
  for (const auto& g : groups)
    total += g.size();
  for (size_t i = 0; i < groups.size(); ++i) {
    if (i > 0)
      t.text.push_back(seps[i - 1]);
    t.text += groups[i];
  }
  if (plus) {
    t.kind = token_kind::phone;
    return t;
  }
  if (groups.size() == 1) {
    t.kind = total >= 7 ? token_kind::phone : token_kind::number;
    t.value = integer_value(groups[0]);
    return t;
  }
  if (groups.size() == 2) {
    const auto& a = groups[0];
    const auto& b = groups[1];
    switch (seps[0]) {
      case '.':
        t.kind = token_kind::number;
        t.value = (integer_value(a) * pow10(b.size()) + integer_value(b)) / pow10(b.size());
        return t;
      case ',':
        t.kind = token_kind::number;
        if (b.size() == 3)  // 1,000
          t.value = integer_value(a) * 1000 + integer_value(b);
        else  // 1,5: a decimal comma
          t.value = (integer_value(a) * pow10(b.size()) + integer_value(b)) / pow10(b.size());
        return t;
      case '/': {
        double num = integer_value(a), den = integer_value(b);
        if (num > 0 && den >= 2 && den <= 16 && a.size() <= 2) {
          t.kind = token_kind::number;
          t.value = num / den;
          t.fraction = true;
          t.slash_fraction = true;
        } else {
          t.kind = token_kind::date;  // 12/2024, 8/19: a partial date
        }
        return t;
      }
      case '-':
        t.kind = total >= 7 ? token_kind::phone : token_kind::other;  // "5-6" is a range
        return t;
      default:
        t.kind = token_kind::other;  // 10:30
        return t;
    }
  }
  bool dashes_only = seps.find_first_not_of('-') == std::string::npos;
  if (dashes_only && total >= 9)
    t.kind = token_kind::phone;
  else if (seps.find(':') == std::string::npos && seps.find(',') == std::string::npos)
    t.kind = token_kind::date;
  else
    t.kind = token_kind::other;
  return t;
}

bool is_separator(char32_t c) {
  switch (c) {
    case ':': case '=': case '@': case ',': case ';': case '|': case 0x00D7: case 0x2192:
    case '/': case 0xFF1A: case 0x2013:
      return true;
    default:
      return false;
  }
}

bool is_open(char32_t c) { return c == '(' || c == '[' || c == '{'; }
bool is_close(char32_t c) { return c == ')' || c == ']' || c == '}'; }

class tokenizer {
public:
  tokenizer(std::string_view line, const std::vector<piece>& ps, size_t first)
      : line_(line), ps_(ps), i_(first) {}

  std::vector<token> run() {
    while (i_ < ps_.size()) {
      const piece& p = ps_[i_];
      switch (p.kind) {
        case piece_kind::digits: number(); break;
        case piece_kind::letters: letters(); break;
        case piece_kind::fraction: {
          token t;
          t.kind = token_kind::number;
          t.value = fraction_value(p.cp);
          t.fraction = true;
          push(t, i_, i_ + 1);
          ++i_;
          break;
        }
        case piece_kind::punct: punct(); break;
      }
    }
    return std::move(out_);
  }

private:
  std::string_view text(size_t i) const { return line_.substr(ps_[i].b, ps_[i].e - ps_[i].b); }

  void push(token t, size_t first_piece, size_t end_piece) {
    t.b = ps_[first_piece].b;
    t.e = ps_[end_piece - 1].e;
    t.glued_left = !ps_[first_piece].space_before && !out_.empty();
    t.glued_right = glued(ps_, end_piece);
    out_.push_back(std::move(t));
  }

  // The end of a word starting at piece `i`: glued letters, Latin digits
  // ("B12", "7Up"), and inner "-", "&", "'" before letters ("PARLE-G").
  size_t word_end(size_t i) const {
    size_t j = i + 1;
    while (j < ps_.size() && glued(ps_, j)) {
      const piece& q = ps_[j];
      if (q.kind == piece_kind::letters) {
        ++j;
      } else if (q.kind == piece_kind::digits) {
        // "chini10kg": a number with its unit glued after a word is a quantity.
        if (glued(ps_, j + 1) && ps_[j + 1].kind == piece_kind::letters &&
            !canonical_unit(text(j + 1)).empty())
          break;
        // Devanagari words do not carry digits; a glued number is the quantity.
        if (static_cast<unsigned char>(line_[ps_[j - 1].e - 1]) >= 0x80)
          break;
        ++j;
      } else if (q.kind == piece_kind::punct &&
                 (q.cp == '-' || q.cp == '&' || q.cp == '\'' || q.cp == 0x2019 || q.cp == '.') &&
                 glued(ps_, j + 1) && ps_[j + 1].kind == piece_kind::letters) {
        j += 2;
      } else {
        break;
      }
    }
    return j;
  }

  void number() {
    std::vector<std::string> groups{ps_[i_].digits};
    std::string seps;
    size_t j = i_ + 1;
    while (j + 1 < ps_.size() && ps_[j].kind == piece_kind::punct && glued(ps_, j) &&
           is_chain_sep(ps_[j].cp) && ps_[j + 1].kind == piece_kind::digits && glued(ps_, j + 1)) {
      seps.push_back(static_cast<char>(ps_[j].cp));
      groups.push_back(ps_[j + 1].digits);
      j += 2;
    }
    bool plus = i_ > 0 && ps_[i_ - 1].kind == piece_kind::punct && ps_[i_ - 1].cp == '+' &&
                !ps_[i_].space_before;
    token t = classify_chain(groups, seps, plus);
    for (size_t k = i_; k < j; ++k) {
      t.script |= ps_[k].script;
      t.guessed = t.guessed || ps_[k].guessed;
    }
    if (t.kind == token_kind::number && glued(ps_, j)) {
      const piece& q = ps_[j];
      if (q.kind == piece_kind::letters) {
        std::string w = ascii_lower(text(j));
        if (w == "x") {  // "12x"
          push(t, i_, j);
          token s;
          s.kind = token_kind::sep;
          s.sep = 'x';
          push(s, j, j + 1);
          i_ = j + 1;
          return;
        }
        // A damaged short unit glued to its number ("50kq") is read too:
        // glued to a number, little else can stand there. Devanagari words
        // do not start with digits ("१५के. जी.").
        if (canonical_unit_ocr(text(j), nullptr, !glued(ps_, j + 1)).empty() &&
            static_cast<unsigned char>(line_[q.b]) < 0x80) {
          // "2PM", "7Up", "4G": a name word that starts with digits.
          make_word(i_, word_end(j));
          return;
        }
      } else if (q.kind == piece_kind::punct && q.cp == '-' && glued(ps_, j + 1) &&
                 ps_[j + 1].kind == piece_kind::letters && canonical_unit(text(j + 1)).empty() &&
                 seps.empty()) {
        make_word(i_, word_end(j + 1));  // "2-Minute"
        return;
      }
    }
    push(t, i_, j);
    i_ = j;
  }

  void make_word(size_t first, size_t end) {
    token t;
    t.kind = token_kind::word;
    t.text = ascii_lower(line_.substr(ps_[first].b, ps_[end - 1].e - ps_[first].b));
    push(t, first, end);
    i_ = end;
  }

  void letters() {
    std::string w = ascii_lower(text(i_));
    if ((w == "x") && (glued(ps_, i_ + 1) ? ps_[i_ + 1].kind == piece_kind::digits : true)) {
      token s;  // "x 12", "x12"
      s.kind = token_kind::sep;
      s.sep = 'x';
      push(s, i_, i_ + 1);
      ++i_;
      return;
    }
    make_word(i_, word_end(i_));
  }

  void punct() {
    const piece& p = ps_[i_];
    token t;
    size_t end = i_ + 1;
    if (p.cp == '+' && glued(ps_, i_ + 1) && ps_[i_ + 1].kind == piece_kind::digits) {
      ++i_;  // the phone number's chain takes the '+'
      return;
    }
    if (is_dash(p.cp)) {
      while (end < ps_.size() && glued(ps_, end) && ps_[end].kind == piece_kind::punct &&
             is_dash(ps_[end].cp))
        ++end;  // "--"
      t.kind = token_kind::sep;
      t.sep = '-';
    } else if (is_separator(p.cp)) {
      t.kind = token_kind::sep;
      t.sep = p.cp == 0x00D7 ? 'x' : p.cp;
    } else if (is_open(p.cp)) {
      t.kind = token_kind::open;
    } else if (is_close(p.cp)) {
      t.kind = token_kind::close;
    } else {
      t.kind = token_kind::other;
      t.sep = p.cp;
    }
    push(t, i_, end);
    i_ = end;
  }

  std::string_view line_;
  const std::vector<piece>& ps_;
  size_t i_;
  std::vector<token> out_;
};

// ---------------------------------------------------------------- noise words

// Words of the lines around the items: headers, shop and supplier names,
// dates, phone numbers, totals, greetings, signatures, delivery notes. They
// only decide lines whose quantity is a bare number or missing.
const std::unordered_set<std::string>& noise_words() {
  static const std::unordered_set<std::string> words = {
    "date", "miti", "dt", "ph", "phone", "mob", "mobile", "cell", "contact", "telephone",
    "fax", "email", "total", "items", "item", "thank", "thanks", "thankyou", "thanx",
    "dhanyabad", "dhanyabaad", "dhanyawad", "dhanybad", "dhanyavad", "dear", "sir", "madam",
    "please", "pls", "plz", "kripaya", "send", "sign", "signature", "regards", "urgent",
    "payment", "cash", "credit", "delivery", "deliver", "address", "ward", "wada", "order",
    "orders", "list", "to", "from", "pasal", "store", "stores", "kirana", "mart", "shop",
    "supplier", "suppliers", "wholesale", "wholesaler", "traders", "trading", "enterprises",
    "samaan", "saman", "samanko", "samaanko", "maal", "purchase", "week", "bhol", "bholi",
    "bihana", "aaja", "aajai", "pathaunu", "pathaunus", "pathaidinu", "hola", "today",
    "tomorrow", "asap", "fast", "quickly", "bill", "invoice", "no", "sn", "qty", "quantity",
    "rate", "amount", "page",
    "मिति", "फोन", "मो", "मोबाइल", "सम्पर्क", "जम्मा", "थरी", "कुल", "धन्यवाद", "श्रीमान्",
    "श्रीमान", "साहुजी", "कृपया", "दस्तखत", "सही", "सामानको", "सामान", "लिस्ट", "सूची", "सुची",
    "अर्डर", "पसल", "स्टोर", "किराना", "होलसेल", "फारम", "ठेगाना", "भोलि", "आजै", "आज",
    "छिटो", "माग", "बिहान", "नं", "वडा", "हजुर", "नमस्ते", "बिल", "परिमाण", "दर",
  };
  return words;
}

// Words that make a line a total, dropped even with a unit ("Total: 25 kg").
bool is_total_word(const std::string& w) {
  return w == "total" || w == "items" || w == "जम्मा" || w == "कुल" || w == "थरी";
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

bool is_noise_word(const std::string& w) {
  if (noise_words().count(w) > 0)
    return true;
  for (std::string_view prefix : {"thank", "dhanya", "pathau", "पठाउ", "धन्यवाद", "signat"})
    if (starts_with(w, prefix))
      return true;
  return false;
}

// ---------------------------------------------------------------- quantity groups

struct group {
  size_t first = 0;  // token indices, inclusive
  size_t last = 0;
  double value = 0;
  std::string unit;      // canonical, "" when none or unknown
  std::string raw_unit;  // as written
  bool slash_fraction = false;
  bool fuzzy_unit = false;
  bool unknown_unit = false;
  bool leading = false;
  bool trailing = false;
  bool after_sep = false;
  bool in_parens = false;
  bool glued_hyphen = false;  // "Dharan-8": a ward number, not a quantity
  uint8_t script = 0;         // of the number's digits (token::script)
  bool guessed = false;       // a digit read from a look-alike
  std::string written;        // the number as written, for reasons

  bool bare() const { return unit.empty() && !unknown_unit; }
};

double number_word(const std::string& w) {
  static const std::pair<std::string_view, double> words[] = {
    {"half", 0.5}, {"aadha", 0.5}, {"adha", 0.5}, {"आधा", 0.5}, {"dedh", 1.5}, {"derh", 1.5},
    {"डेढ", 1.5}, {"adhai", 2.5}, {"arhai", 2.5}, {"अढाई", 2.5}, {"one", 1}, {"two", 2},
    {"three", 3}, {"four", 4}, {"five", 5}, {"six", 6}, {"seven", 7}, {"eight", 8},
    {"nine", 9}, {"ten", 10}, {"twelve", 12}, {"a", 1}, {"an", 1},
    // Nepali, in both scripts: quarter, one and a quarter, then one to twelve
    {"pau", 0.25}, {"paw", 0.25}, {"पाउ", 0.25}, {"पाव", 0.25}, {"sawa", 1.25}, {"सवा", 1.25},
    {"dhai", 2.5}, {"ढाई", 2.5}, {"ek", 1}, {"एक", 1}, {"dui", 2}, {"दुई", 2}, {"teen", 3},
    {"tin", 3}, {"तीन", 3}, {"तिन", 3}, {"char", 4}, {"चार", 4}, {"panch", 5}, {"paanch", 5},
    {"पाँच", 5}, {"पाच", 5}, {"chha", 6}, {"छ", 6}, {"saat", 7}, {"सात", 7}, {"aath", 8},
    {"आठ", 8}, {"nau", 9}, {"नौ", 9}, {"das", 10}, {"दश", 10}, {"दस", 10}, {"barha", 12},
    {"बाह्र", 12},
  };
  for (const auto& [word, value] : words)
    if (w == word)
      return value;
  return 0;
}

bool is_content(const token& t) {
  return t.kind == token_kind::word || t.kind == token_kind::number ||
         t.kind == token_kind::date || t.kind == token_kind::phone;
}

// Letters in the longest run of letters of `s`, in code points.
size_t longest_word(std::string_view s) {
  size_t best = 0;
  size_t run = 0;
  for (size_t pos = 0; pos < s.size();) {
    run = utf8::is_letter(utf8::next(s, pos)) ? run + 1 : 0;
    best = std::max(best, run);
  }
  return best;
}

// A name holds a real word: three Latin letters or digits in a row with a
// letter among them ("Rara", "7Up"), or two Devanagari letters (vowel signs
// do not count: "टी" is OCR debris, "मह" a word).
bool has_real_word(std::string_view s) {
  size_t latin = 0;
  size_t latin_letters = 0;
  size_t devanagari = 0;
  for (size_t pos = 0; pos < s.size();) {
    char32_t c = utf8::next(s, pos);
    bool ascii_digit = c >= '0' && c <= '9';
    if (!utf8::is_letter(c) && !ascii_digit) {
      latin = latin_letters = devanagari = 0;
      continue;
    }
    if (c >= 0x0900 && c <= 0x097F) {
      devanagari += is_vowel_sign(c) || c == 0x200C || c == 0x200D ? 0 : 1;
    } else {
      ++latin;
      latin_letters += ascii_digit ? 0 : 1;
    }
    if ((latin >= 3 && latin_letters > 0) || devanagari >= 2)
      return true;
  }
  return false;
}

class line_reader {
public:
  line_reader(std::string_view line, std::vector<token> tokens)
      : line_(line), t_(std::move(tokens)) {}

  void mark_prices_and_phones() {
    static const std::unordered_set<std::string> currency = {"rs", "npr", "rupees", "rupee",
                                                             "mrp", "रु", "रू", "रुपैयाँ",
                                                             "रुपैया", "रुपियाँ"};
    for (size_t i = 0; i < t_.size(); ++i) {
      if (t_[i].kind != token_kind::number)
        continue;
      // Prices: "Rs 50", "Rs.50", "50 rupees", "120/-".
      // The currency word goes with the price: neither is part of the name.
      size_t p = prev_index(i, true);
      if (p != npos && t_[p].kind == token_kind::word && currency.count(t_[p].text)) {
        t_[i].kind = token_kind::other;
        t_[p].kind = token_kind::other;
      }
      // A rate: "12 pcs @ 20", "@20 each" (but "Surf Excel 1kg @ 10 pkt" is
      // the quantity: a unit follows).
      bool unit_next = i + 1 < t_.size() && t_[i + 1].kind == token_kind::word &&
                       !canonical_unit(word_text(i + 1)).empty();
      if (p != npos && t_[p].kind == token_kind::sep && t_[p].sep == '@' && !unit_next) {
        t_[i].kind = token_kind::other;
        t_[p].kind = token_kind::other;
      }
      size_t n = i + 1;
      if (n < t_.size() && t_[n].kind == token_kind::word && currency.count(t_[n].text)) {
        t_[i].kind = token_kind::other;
        t_[n].kind = token_kind::other;
      }
      if (n + 1 < t_.size() && t_[n].kind == token_kind::sep && t_[n].sep == '/' &&
          t_[n + 1].kind == token_kind::sep && t_[n + 1].sep == '-')
        t_[i].kind = token_kind::other;
      // A mobile number written in two parts: "98412 34567".
      if (n < t_.size() && t_[n].kind == token_kind::number && !t_[i].fraction &&
          !t_[n].fraction && t_[i].text.size() >= 3 && t_[n].text.size() >= 3 &&
          t_[i].text.size() + t_[n].text.size() == 10 && t_[i].text[0] == '9') {
        t_[i].kind = token_kind::phone;
        t_[n].kind = token_kind::phone;
      }
    }
  }

  // The digits a look-alike token stands for where a quantity belongs: right
  // before a unit word, at the line start or after a separator, or as the
  // last thing before the unit that ends the line ("Rara S ctn"). "" if not.
  std::string lookalike_quantity(size_t i) const {
    const token& t = t_[i];
    size_t j = i + 1;
    if (j >= t_.size() || t_[j].kind != token_kind::word ||
        canonical_unit_ocr(word_text(j)).empty())
      return {};
    std::string_view w = word_text(i);
    bool x_glued = false;
    if (t.kind == token_kind::word && w.size() >= 2 && (w[0] == 'x' || w[0] == 'X')) {
      w.remove_prefix(1);  // "XZ DOZEN": "x 2"
      x_glued = true;
    }
    if (t.kind != token_kind::word && t.kind != token_kind::other &&
        !(t.kind == token_kind::sep && t.sep != '-' && t.sep != ':' && t.sep != '='))
      return {};
    if (t.kind == token_kind::word && number_word(t.text) > 0)
      return {};
    std::string n = lookalike_number(w);
    if (n.empty())
      return {};
    size_t p = prev_index(i, false);
    bool slot = x_glued || p == npos || t_[p].kind == token_kind::sep ||
                t_[p].kind == token_kind::open;
    if (!slot) {
      bool ends_line = true;
      for (size_t k = j + 1; k < t_.size(); ++k)
        ends_line = ends_line && !is_content(t_[k]);
      slot = ends_line && t_[p].kind == token_kind::word;
    }
    return slot ? n : std::string{};
  }

  // On a line of Latin words a run of Devanagari digits right after a number
  // is a Latin word OCR misread ("5 ८५०" for "5 ctns"), not a second number.
  void mark_damaged_words() {
    bool latin = false;
    bool devanagari = false;
    for (size_t pos = 0; pos < line_.size();) {
      char32_t c = utf8::next(line_, pos);
      latin = latin || (c < 0x80 && utf8::is_letter(c));
      devanagari = devanagari || (c >= 0x0900 && c <= 0x097F && utf8::is_letter(c));
    }
    latin_line_ = latin && !devanagari;
    if (!latin_line_)
      return;
    for (size_t i = 1; i < t_.size(); ++i) {
      size_t p = prev_index(i, false);
      if (t_[i].kind == token_kind::number && t_[i].script == 2 && !t_[i].fraction &&
          p != npos && t_[p].kind == token_kind::number && !t_[p].fraction) {
        t_[i].kind = token_kind::word;
        t_[i].damaged = true;
      }
    }
  }

  // Strokes standing apart as separators: two or more make the line a row
  // of a ruled table. (One may be a 1: "chini | kg".)
  size_t cell_borders() const {
    size_t n = 0;
    for (const auto& t : t_)
      n += t.kind == token_kind::sep && t.sep == '|';
    return n;
  }

  void find_groups() {
    const size_t borders = cell_borders();
    for (size_t i = 0; i < t_.size(); ++i) {
      const token& t = t_[i];
      group g;
      g.first = i;
      size_t j = i + 1;
      if (t.kind == token_kind::number) {
        g.value = t.value;
        g.slash_fraction = t.slash_fraction;
        g.script = t.script;
        g.guessed = t.guessed;
        // "2 1/2", "1½"
        if (!t.fraction && j < t_.size() && t_[j].kind == token_kind::number && t_[j].fraction &&
            t_[j].value < 1) {
          g.value += t_[j].value;
          g.slash_fraction = g.slash_fraction || t_[j].slash_fraction;
          ++j;
        }
      } else if (t.kind == token_kind::word && number_word(t.text) > 0 && j < t_.size() &&
                 t_[j].kind == token_kind::word && !canonical_unit(word_text(j)).empty()) {
        g.value = number_word(t.text);  // "half kg", "आधा केजी", "one dozen"
      } else if (t.kind == token_kind::sep && t.sep == '|' && j < t_.size() &&
                 t_[j].kind == token_kind::word && !canonical_unit(word_text(j)).empty() &&
                 (i == 0 || t_[i - 1].kind != token_kind::number)) {
        g.value = 1;  // "| kg": a 1 read as a stroke
      } else if (std::string n = lookalike_quantity(i); !n.empty()) {
        g.value = integer_value(n);  // "Rara - S ctn", "x Z BX", "(\\Dz)": guessed
        g.guessed = true;
        g.after_sep = true;
      } else {
        continue;
      }
      g.written = std::string{word_text(i)};
      // "1 | Sugar | 10 | kg": in a ruled table the unit has a cell of its own.
      if (t.kind == token_kind::number && j + 1 < t_.size() && t_[j].kind == token_kind::sep &&
          t_[j].sep == '|' && t_[j + 1].kind == token_kind::word &&
          !canonical_unit(word_text(j + 1)).empty() && borders >= 2)
        ++j;
      // "12) प्याकेट Rara": a stray parenthesis between a leading number and
      // its unit.
      if (t.kind == token_kind::number && j + 1 < t_.size() && t_[j].kind == token_kind::close &&
          t_[j + 1].kind == token_kind::word && !canonical_unit(word_text(j + 1)).empty()) {
        bool leading = true;
        for (size_t k = 0; k < i; ++k)
          leading = leading && !is_content(t_[k]) && t_[k].kind != token_kind::open;
        if (leading)
          ++j;
      }
      if (j < t_.size() && t_[j].kind == token_kind::word) {
        bool fuzzy = false;
        bool ambiguous = false;
        // The unit ends the line, but for one- and two-letter specks ("20 Ka. Se").
        bool ends_line = true;
        for (size_t k = j + 1; k < t_.size(); ++k)
          ends_line = ends_line && (!is_content(t_[k]) || (t_[k].kind == token_kind::word &&
                                                          utf8::length(word_text(k)) <= 2));
        std::string_view u = canonical_unit_ocr(word_text(j), &fuzzy,
                                                ends_line || t_[j].glued_left, &ambiguous);
        size_t ji = j + 1;  // "के जी", "के. जी." written apart
        if (ji < t_.size() && t_[ji].kind == token_kind::other && t_[ji].sep == '.')
          ++ji;
        if (u.empty() && t_[j].text == "के" && ji < t_.size() &&
            t_[ji].kind == token_kind::word && t_[ji].text == "जी") {
          g.unit = "kg";
          g.raw_unit = std::string{line_.substr(t_[j].b, t_[ji].e - t_[j].b)};
          j = ji + 1;
        } else if (!u.empty()) {
          g.unit = std::string{u};
          g.raw_unit = std::string{word_text(j)};
          g.fuzzy_unit = fuzzy;
          ++j;
        } else if (t_[j].damaged || (ambiguous && ends_line)) {
          // "5 ८५०" on a Latin line, "8 bil": a unit word too damaged to read.
          g.unknown_unit = true;
          g.raw_unit = std::string{word_text(j)};
          ++j;
        }
      } else if (t.kind == token_kind::number && j + 1 == t_.size() && t_[j].kind == token_kind::sep &&
                 t_[j].sep == '|' && !t_[j].glued_left) {
        g.unit = "l";  // "palm tel 2 |": the litre's l read as a stroke
        g.raw_unit = "|";
        g.fuzzy_unit = true;
        ++j;
      }
      g.last = j - 1;
      // "Sugar kg 10", "Rara - ctn - 3": the unit written before a number
      // that ends the line, when no other number took it.
      if (g.bare() && t.kind == token_kind::number && !t.fraction) {
        bool ends = true;
        for (size_t k = j; k < t_.size(); ++k)
          ends = ends && !is_content(t_[k]);
        size_t p = i;
        while (p-- > 0 && (t_[p].kind == token_kind::sep || t_[p].kind == token_kind::other)) {
        }
        // "No. 5", "Ward no 5": before a number, "no" is "number".
        static const std::unordered_set<std::string> not_before = {"no", "nos", "can", "tin"};
        std::string_view u = ends && p != npos && p > 0 && t_[p].kind == token_kind::word &&
                                 !not_before.count(t_[p].text)
                               ? canonical_unit(word_text(p))
                               : std::string_view{};
        if (!u.empty() && (groups_.empty() || groups_.back().last < p)) {
          g.unit = std::string{u};
          g.raw_unit = std::string{word_text(p)};
          g.first = p;
        }
      }
      // Without a unit, a number over 1000 or with a leading zero ("0021") is
      // a code, a year or OCR debris, never an amount.
      if (g.bare() && t.kind == token_kind::number &&
          (g.value > 1000 || (t.text.size() > 1 && t.text[0] == '0' && t.text[1] != '.' &&
                              t.text[1] != ','))) {
        i = j - 1;
        continue;
      }
      place(g);
      groups_.push_back(g);
      i = j - 1;
    }
  }

  std::optional<extracted_item> read(marker m, std::string_view whole_line) {
    mark_prices_and_phones();
    mark_damaged_words();
    find_groups();

    bool noisy = false;
    bool total = false;
    for (const auto& t : t_) {
      if (t.kind == token_kind::date || t.kind == token_kind::phone)
        noisy = true;
      if (t.kind == token_kind::word && is_noise_word(t.text)) {
        noisy = true;
        total = total || is_total_word(t.text);
      }
    }
    if (total)
      return std::nullopt;

    std::vector<std::string> reasons;
    marker_ = m;
    const group* g = choose(reasons);
    if (noisy && (g == nullptr || g->unit.empty()))
      return std::nullopt;

    extracted_item item;
    item.line = std::string{whole_line};
    if (g == nullptr) {
      // No quantity: an entry of a numbered or bulleted list still names an
      // item the shopkeeper wants; a person confirms the amount.
      if (m != marker::number && m != marker::bullet)
        return std::nullopt;
      item.name = name_between(0, t_.size());
      if (longest_word(item.name) < 3)
        return std::nullopt;
      item.quantity = 1;
      item.unsure = true;
      item.unsure_reason = "no quantity written";
      return item;
    }
    if (!(g->value > 0) || !std::isfinite(g->value))
      return std::nullopt;
    // A bare number set apart before the name when the quantity is elsewhere
    // is a list or table number ("1 - Rara - 3 ctn", "1 | Rara | 3 ctn"). Not
    // "7 O'Clock tea - 2 box": a number joined to the name stays in it.
    size_t name_start = 0;
    if (lead_ != nullptr && lead_ != g && lead_->bare() && lead_->last < g->first) {
      size_t n = next_index(lead_->last);
      if (n != npos && t_[n].kind == token_kind::sep)
        name_start = lead_->last + 1;
    }
    std::string before = name_between(name_start, g->first);
    std::string after = name_between(g->last + 1, t_.size());
    item.name = without_labels(before.empty() ? after : after.empty() ? before : before + " " + after);
    if (!utf8::has_letter(item.name))
      return std::nullopt;
    // A bare number after one- and two-letter scraps ("ee we 5", "oa 3") is
    // OCR debris; a real name has a word of three letters or more.
    if (g->unit.empty() && longest_word(item.name) < 3)
      return std::nullopt;
    item.quantity = g->value;
    item.unit = g->unit;
    item.raw_unit = g->raw_unit;
    if (g->unknown_unit)
      reasons.push_back("unknown unit '" + g->raw_unit + "'");
    if (g->fuzzy_unit)
      reasons.push_back("unit '" + g->unit + "' guessed from '" + g->raw_unit + "'");
    if (g->slash_fraction)
      reasons.push_back("fraction read as " + format_number(g->value));
    if (g->value > 1000)
      reasons.push_back("quantity over 1000");
    if (g->guessed)
      reasons.push_back("quantity guessed from '" + g->written + "'");
    if (g->script == 3)
      reasons.push_back("digits of two scripts in '" + g->written + "'");
    else if (g->script == 2 && latin_line_)
      reasons.push_back("Devanagari digits on a Latin line");
    // OCR of mixed pages reads १ and ७ as 9; next to a Devanagari unit the
    // writer more likely used Devanagari digits.
    if ((g->script & 1) && g->written.find('9') != std::string::npos &&
        utf8::has_letter(g->raw_unit) && static_cast<unsigned char>(g->raw_unit[0]) >= 0x80)
      reasons.push_back("a 9 before a Devanagari unit may be a misread १ or ७");
    if (!g->unit.empty() && !has_real_word(item.name))
      reasons.push_back("no readable name");
    if (!reasons.empty()) {
      item.unsure = true;
      for (size_t i = 0; i < reasons.size(); ++i)
        item.unsure_reason += (i ? "; " : "") + reasons[i];
    }
    return item;
  }

private:
  static constexpr size_t npos = static_cast<size_t>(-1);

  std::string_view word_text(size_t i) const { return line_.substr(t_[i].b, t_[i].e - t_[i].b); }

  size_t prev_index(size_t i, bool skip_other) const {
    while (i-- > 0)
      if (!skip_other || t_[i].kind != token_kind::other)
        return i;
    return npos;
  }

  size_t next_index(size_t i) const {
    for (++i; i < t_.size(); ++i)
      if (t_[i].kind != token_kind::other)
        return i;
    return npos;
  }

  void place(group& g) const {
    g.leading = true;
    for (size_t k = 0; k < g.first; ++k)
      if (is_content(t_[k]))
        g.leading = false;
    g.trailing = true;
    for (size_t k = g.last + 1; k < t_.size(); ++k)
      if (is_content(t_[k]))
        g.trailing = false;
    size_t p = prev_index(g.first, true);
    size_t n = next_index(g.last);
    g.after_sep = p != npos && (t_[p].kind == token_kind::sep || t_[p].kind == token_kind::open);
    g.in_parens = p != npos && t_[p].kind == token_kind::open && n != npos &&
                  t_[n].kind == token_kind::close;
    // "Dharan-8", "इटहरी- १८": a hyphen glued to the place before it.
    if (p != npos && t_[p].kind == token_kind::sep && t_[p].sep == '-' && t_[p].glued_left &&
        p > 0 && t_[p - 1].kind == token_kind::word)
      g.glued_hyphen = true;
  }

  // The quantity among the groups (see item_extraction.hpp for the order).
  const group* choose(std::vector<std::string>& reasons) {
    const group* lead = nullptr;
    const group* trail = nullptr;
    for (const auto& g : groups_) {
      if (g.leading && lead == nullptr)
        lead = &g;
      if (g.trailing)
        trail = &g;
    }
    lead_ = lead;
    if (lead == trail && lead != nullptr)
      return lead;  // the line is only a quantity; the caller finds no name
    const std::string two = "two numbers, either could be the quantity";
    if (trail != nullptr && trail->bare() && trail->glued_hyphen)
      trail = nullptr;  // "Dharan-8", "इटहरी-13"
    if (trail != nullptr && (trail->in_parens || trail->after_sep)) {
      if (trail->bare() && lead != nullptr && !lead->bare()) {
        reasons.push_back(two);
        return lead;  // "3 ctn Coca cola - 1.25": the trailing number is a size
      }
      if (lead != nullptr && is_count_unit(lead->unit) && !trail->bare())
        reasons.push_back(two);
      return trail;
    }
    if (lead != nullptr && !lead->bare()) {
      if (trail != nullptr && !trail->bare()) {
        if (!is_count_unit(lead->unit) && is_count_unit(trail->unit))
          return trail;  // "1 kg Gyan dal 2 pkt": the weight is the pack size
        if (is_count_unit(lead->unit) && is_count_unit(trail->unit))
          reasons.push_back(two);
      }
      return lead;  // "3 ctn Surf Excel 1L": the size follows the name
    }
    if (trail != nullptr && !trail->bare()) {
      // A bare leading number is a list number or part of the name, unless the
      // list number was already written ("7. 2 Surf Excel 500 g": the 500 g is
      // the pack size).
      if (lead != nullptr && lead != trail && lead->bare() && !is_count_unit(trail->unit)) {
        reasons.push_back(two);
        if (marker_ == marker::number)
          return lead;
      }
      return trail;
    }
    if (trail != nullptr) {
      size_t p = prev_index(trail->first, true);
      bool bare_before = p != npos && t_[p].kind == token_kind::number;
      // "Rara 10 pkt 4": a stray number after a counted quantity.
      if (trail != &groups_.front()) {
        const group& before = *(trail - 1);
        if (is_count_unit(before.unit) && p == before.last) {
          reasons.push_back(two);
          return &before;
        }
      }
      if ((lead != nullptr && lead != trail) || bare_before)
        reasons.push_back(two);
      return trail;
    }
    // "Maggi - 5 jhola", "Horlicks 2 jhola": a number before a last word that is no unit.
    if (!t_.empty()) {
      size_t last = t_.size();
      while (last-- > 0 && !is_content(t_[last])) {
      }
      if (last != npos && last > 0 && t_[last].kind == token_kind::word &&
          !is_noise_word(t_[last].text)) {
        size_t p = prev_index(last, true);
        for (auto& g : groups_)
          if (p != npos && g.last == p && g.first == p && g.bare() &&
              !g.glued_hyphen && utf8::length(word_text(last)) <= 12) {
            g.unknown_unit = true;
            g.raw_unit = std::string{word_text(last)};
            g.last = last;
            return &g;
          }
      }
    }
    if (lead != nullptr) {
      for (const auto& g : groups_)
        if (&g != lead && g.bare()) {
          reasons.push_back(two);
          break;
        }
      return lead;  // "5 Maggi"
    }
    // A quantity with a unit inside the line ("Rara 30 pkt a", OCR debris after
    // it): the last counted one, else the last measured one; doubtful.
    const group* inner = nullptr;
    for (const auto& g : groups_)
      if (is_count_unit(g.unit) || (inner == nullptr && !g.unit.empty() && only_scraps_after(g)))
        inner = &g;
    if (inner != nullptr) {
      reasons.push_back("quantity read from inside the line");
      return inner;
    }
    // Only bare numbers inside the name ("Cadbury 5 Star"): none is the quantity.
    return nullptr;
  }

  // Only one- and two-letter words (OCR specks) follow the group; a measure
  // followed by real words is a pack size inside the name ("Tiger 65gm biscuit").
  bool only_scraps_after(const group& g) const {
    for (size_t k = g.last + 1; k < t_.size(); ++k)
      if (is_content(t_[k]) && (t_[k].kind != token_kind::word || utf8::length(word_text(k)) > 2))
        return false;
    return true;
  }

  // The text of tokens [lo, hi) without separators, stray punctuation and
  // unmatched parentheses at its ends.
  std::string name_between(size_t lo, size_t hi) const {
    auto count = [&](size_t a, size_t b, token_kind k) {
      size_t n = 0;
      for (size_t i = a; i < b; ++i)
        n += t_[i].kind == k;
      return n;
    };
    while (lo < hi) {
      const token& t = t_[lo];
      bool drop = t.kind == token_kind::sep || t.kind == token_kind::other ||
                  t.kind == token_kind::close ||
                  (t.kind == token_kind::open &&
                   count(lo + 1, hi, token_kind::close) <= count(lo + 1, hi, token_kind::open));
      if (!drop)
        break;
      ++lo;
    }
    while (hi > lo) {
      const token& t = t_[hi - 1];
      bool drop = t.kind == token_kind::sep || t.kind == token_kind::other ||
                  t.kind == token_kind::open ||
                  (t.kind == token_kind::close &&
                   count(lo, hi - 1, token_kind::open) <= count(lo, hi - 1, token_kind::close));
      if (!drop)
        break;
      --hi;
    }
    if (lo >= hi)
      return {};
    std::string_view span = line_.substr(t_[lo].b, t_[hi - 1].e - t_[lo].b);
    std::string out;
    bool space = false;
    for (size_t pos = 0; pos < span.size();) {
      size_t start = pos;
      char32_t c = utf8::next(span, pos);
      if (utf8::is_space(c)) {
        space = !out.empty();
        continue;
      }
      if (space)
        out.push_back(' ');
      space = false;
      out.append(span.substr(start, pos - start));
    }
    return out;
  }

  // A name without the form's labels around it: "Item: Rara Qty" -> "Rara".
  static std::string without_labels(std::string name) {
    static const std::unordered_set<std::string> leading = {"item", "items", "name", "product",
                                                            "particulars", "description"};
    static const std::unordered_set<std::string> trailing = {"qty", "qnty", "qnt", "quantity"};
    auto bare = [](std::string_view w) {
      while (!w.empty() && (w.back() == ':' || w.back() == '.' || w.back() == '-'))
        w.remove_suffix(1);
      return ascii_lower(w);
    };
    for (;;) {
      size_t space = name.find(' ');
      if (space == std::string::npos || !leading.count(bare(std::string_view{name}.substr(0, space))))
        break;
      name.erase(0, space + 1);
    }
    for (;;) {
      size_t space = name.rfind(' ');
      if (space == std::string::npos || !trailing.count(bare(std::string_view{name}.substr(space + 1))))
        break;
      name.erase(space);
    }
    while (!name.empty() && (name.back() == ':' || name.back() == ' ' || name.back() == '-'))
      name.pop_back();
    return name;
  }

  static std::string format_number(double v) {
    std::string s = std::to_string(v);
    while (!s.empty() && s.back() == '0')
      s.pop_back();
    if (!s.empty() && s.back() == '.')
      s.pop_back();
    return s;
  }

  std::string_view line_;
  std::vector<token> t_;
  std::vector<group> groups_;
  const group* lead_ = nullptr;
  marker marker_ = marker::none;
  bool latin_line_ = false;
};

std::string_view trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n'))
    ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
    --e;
  return s.substr(b, e - b);
}

}  // namespace

std::optional<extracted_item> extract_item_from_line(std::string_view raw_line) {
  std::string_view line = trim(raw_line);
  if (line.empty())
    return std::nullopt;
  std::vector<piece> ps = split_pieces(line);
  marker m = marker::none;
  size_t first = strip_marker(line, ps, m);
  std::vector<piece> body(ps.begin() + static_cast<std::ptrdiff_t>(first), ps.end());
  if (!body.empty())
    body.front().space_before = true;
  fix_ocr_digits(line, body);
  split_glued_units(line, body);
  std::vector<token> tokens = tokenizer{line, body, 0}.run();
  return line_reader{line, std::move(tokens)}.read(m, line);
}

namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::vector<extracted_item> extract_items_from_line(std::string_view raw_line) {
  std::string_view line = trim(raw_line);
  // Several items on one line: apart by ", " or "; " ("chini 5 kg, nun 2 pkt"),
  // or by a wide gap (two columns read across, "Rara 3 ctn      Dettol 12 pcs").
  // Only when every part reads plainly as an item of its own, with a name
  // and a unit: a part without a name ("Sprite 2.25 litre, 12 bottles") or
  // any doubt keeps the line whole. A comma without a space ("1,5 kg") is
  // no separator.
  std::vector<std::string_view> parts;
  size_t from = 0;
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    if ((line[i] == ',' || line[i] == ';') && line[i + 1] == ' ') {
      parts.push_back(line.substr(from, i - from));
      from = i + 1;
    } else if (blank(line[i]) && i + 2 < line.size() && blank(line[i + 1]) && blank(line[i + 2])) {
      parts.push_back(line.substr(from, i - from));
      while (i + 1 < line.size() && blank(line[i + 1]))
        ++i;
      from = i + 1;
    }
  }
  std::vector<extracted_item> out;
  if (!parts.empty()) {
    parts.push_back(line.substr(from));
    for (auto part : parts) {
      auto item = extract_item_from_line(part);
      if (!item || item->unit.empty() || item->unsure || !has_real_word(item->name)) {
        out.clear();
        break;
      }
      item->line = std::string{line};  // confidence and other readings go by the whole line
      out.push_back(std::move(*item));
    }
  }
  if (out.empty())
    if (auto item = extract_item_from_line(line))
      out.push_back(std::move(*item));
  return out;
}

std::vector<extracted_item> extract_items(std::string_view ocr_text) {
  std::vector<extracted_item> items;
  size_t start = 0;
  while (start <= ocr_text.size()) {
    size_t end = ocr_text.find('\n', start);
    if (end == std::string_view::npos)
      end = ocr_text.size();
    for (auto& item : extract_items_from_line(ocr_text.substr(start, end - start)))
      items.push_back(std::move(item));
    start = end + 1;
  }
  return items;
}

}  // namespace khaacho::model
