// Case, diacritic, punctuation and script folding for the catalog matcher.
#include "model/text_folding.hpp"

#include "model/devanagari_translit.hpp"
#include "model/unit_words.hpp"

namespace khaacho::model {

namespace {

// Base letters of U+00C0..U+00FF ('\0' for × and ÷) and U+0100..U+017F.
using namespace std::string_view_literals;
constexpr std::string_view latin1 =
    "aaaaaaaceeeeiiiidnooooo\0ouuuuyts"
    "aaaaaaaceeeeiiiidnooooo\0ouuuuyty"sv;
constexpr std::string_view latin_ext_a =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllllllln"
    "nnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs"sv;

enum class char_class { separator, latin, digit, devanagari, other_letter, skip };

bool is_apostrophe(char32_t c) {
  return c == '\'' || c == 0x2018 || c == 0x2019 || c == '`' || c == 0x00B4;
}

}  // namespace

std::vector<folded_token> fold_tokens(std::string_view raw) {
  std::string text = to_ascii_digits(raw);
  std::vector<folded_token> out;
  folded_token cur;
  char_class cur_class = char_class::separator;
  bool glue_next = false;
  auto finish = [&](bool glued_after) {
    if (!cur.text.empty())
      out.push_back(std::move(cur));
    cur = folded_token{};
    cur_class = char_class::separator;
    glue_next = glued_after;
  };
  auto add = [&](char_class cls, std::string_view piece) {
    if (cls != cur_class && cur_class != char_class::separator)
      finish(true);
    if (cur.text.empty())
      cur.glued = glue_next;
    cur_class = cls;
    cur.text.append(piece);
  };
  for (size_t pos = 0; pos < text.size();) {
    size_t start = pos;
    char32_t c = utf8::next(text, pos);
    if (c < 128) {
      char a = static_cast<char>(c);
      if (a >= 'A' && a <= 'Z')
        add(char_class::latin, std::string(1, static_cast<char>(a - 'A' + 'a')));
      else if (a >= 'a' && a <= 'z')
        add(char_class::latin, std::string(1, a));
      else if (a >= '0' && a <= '9')
        add(char_class::digit, std::string(1, a));
      else if (a == '.' && cur_class == char_class::digit && pos < text.size() &&
               text[pos] >= '0' && text[pos] <= '9')
        cur.text += '.';
      else if (!is_apostrophe(c))
        finish(false);
    } else if (c >= 0x00C0 && c <= 0x00FF && latin1[c - 0x00C0] != '\0') {
      add(char_class::latin, std::string(1, latin1[c - 0x00C0]));
    } else if (c >= 0x0100 && c <= 0x017F) {
      add(char_class::latin, std::string(1, latin_ext_a[c - 0x0100]));
    } else if (is_apostrophe(c)) {
      continue;
    } else if ((c == 0x200C || c == 0x200D) && cur_class == char_class::devanagari) {
      cur.text.append(text, start, pos - start);
    } else if (c >= 0x0900 && c <= 0x097F && utf8::is_letter(c)) {
      add(char_class::devanagari, std::string_view(text).substr(start, pos - start));
    } else if (utf8::is_letter(c) || (c >= 0x0370 && !utf8::is_space(c) && c < 0x2000)) {
      // Other scripts (Latin Extended-B, Greek, Cyrillic, ...) are kept as
      // written: rare on Nepali order lists, and still comparable byte-wise.
      add(char_class::other_letter, std::string_view(text).substr(start, pos - start));
    } else {
      finish(false);
    }
  }
  finish(false);
  return out;
}

std::string fold_text(std::string_view text) {
  std::string out;
  for (const auto& t : fold_tokens(text)) {
    if (!out.empty())
      out += ' ';
    out += t.text;
  }
  return out;
}

std::string consonant_skeleton(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c < 'a' || c > 'z')
      return {};
    bool vowel = c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
    if (!vowel && (out.empty() || out.back() != c))
      out += c;
  }
  return out.size() >= 4 ? out : std::string{};
}

bool is_number_token(std::string_view token) {
  return !token.empty() && token.front() >= '0' && token.front() <= '9';
}

std::string word_key(std::string_view token) {
  if (is_number_token(token))
    return std::string(token);
  return fold_romanized(romanize_devanagari(token));
}

}  // namespace khaacho::model
