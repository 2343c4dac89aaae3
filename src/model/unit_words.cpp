// Unit word table and the UTF-8 helpers of unit_words.hpp.
#include "model/unit_words.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace khaacho::model {

namespace {

struct spelling {
  std::string_view word;  // lower case
  std::string_view unit;
};

// Spellings seen on Nepali order lists (data/catalog/README.md) and the
// plausible others: English, romanized Nepali, Devanagari. Plurals ending in
// s/es and the Devanagari plural हरू are handled by canonical_unit itself.
constexpr spelling spellings[] = {
  // kg
  {"kg", "kg"}, {"kgs", "kg"}, {"kilo", "kg"}, {"kilos", "kg"}, {"kilogram", "kg"},
  {"kilogramme", "kg"}, {"kgm", "kg"}, {"kilogaram", "kg"}, {"केजी", "kg"}, {"केजि", "kg"},
  {"किलो", "kg"}, {"किलोग्राम", "kg"}, {"कि", "kg"}, {"kelo", "kg"},
  // g
  {"g", "g"}, {"gm", "g"}, {"gms", "g"}, {"gr", "g"}, {"grm", "g"}, {"grms", "g"},
  {"gram", "g"}, {"gramme", "g"}, {"garam", "g"}, {"ग्राम", "g"}, {"ग्रा", "g"}, {"जी", "g"},
  // l
  {"l", "l"}, {"lt", "l"}, {"ltr", "l"}, {"ltrs", "l"}, {"lit", "l"}, {"litre", "l"},
  {"liter", "l"}, {"litter", "l"}, {"leter", "l"}, {"लिटर", "l"}, {"लीटर", "l"}, {"लि", "l"},
  {"ली", "l"},
  // ml
  {"ml", "ml"}, {"mls", "ml"}, {"millilitre", "ml"}, {"milliliter", "ml"}, {"mililiter", "ml"},
  {"mililitre", "ml"}, {"मिलि", "ml"}, {"मिली", "ml"}, {"एमएल", "ml"}, {"मिलिलिटर", "ml"},
  // pcs
  {"pc", "pcs"}, {"pcs", "pcs"}, {"pce", "pcs"}, {"piece", "pcs"}, {"pis", "pcs"},
  {"nos", "pcs"}, {"no", "pcs"}, {"nag", "pcs"}, {"wota", "pcs"}, {"wata", "pcs"},
  {"ota", "pcs"}, {"gota", "pcs"}, {"than", "pcs"}, {"thaan", "pcs"},
  {"वटा", "pcs"}, {"ओटा", "pcs"}, {"वोटा", "pcs"}, {"गोटा", "pcs"}, {"थान", "pcs"},
  {"नग", "pcs"}, {"पिस", "pcs"},
  // packet
  {"packet", "packet"}, {"pkt", "packet"}, {"pkts", "packet"}, {"pack", "packet"},
  {"pk", "packet"}, {"pkg", "packet"}, {"pckt", "packet"}, {"paket", "packet"},
  {"packat", "packet"}, {"poket", "packet"}, {"pocket", "packet"}, {"pyaket", "packet"},
  {"प्याकेट", "packet"}, {"पाकेट", "packet"}, {"प्याकट", "packet"}, {"पैकेट", "packet"},
  {"प्याक", "packet"},
  // carton
  {"carton", "carton"}, {"ctn", "carton"}, {"ctns", "carton"}, {"cartoon", "carton"},
  {"crtn", "carton"}, {"cartun", "carton"}, {"kartun", "carton"}, {"karton", "carton"},
  {"peti", "carton"}, {"कार्टुन", "carton"}, {"कार्टन", "carton"}, {"कार्टून", "carton"},
  {"कटुन", "carton"}, {"पेटी", "carton"},
  // dozen
  {"dozen", "dozen"}, {"doz", "dozen"}, {"dozn", "dozen"}, {"dz", "dozen"}, {"dzn", "dozen"},
  {"darjan", "dozen"}, {"darjen", "dozen"}, {"dajan", "dozen"}, {"दर्जन", "dozen"},
  {"दरजन", "dozen"},
  // bottle
  {"bottle", "bottle"}, {"btl", "bottle"}, {"btls", "bottle"}, {"bottel", "bottle"},
  {"botal", "bottle"}, {"botel", "bottle"}, {"बोतल", "bottle"}, {"बोत्तल", "bottle"},
  // box
  {"box", "box"}, {"bx", "box"}, {"bxs", "box"}, {"baakas", "box"}, {"bakas", "box"},
  {"baksa", "box"}, {"dabba", "box"}, {"dibba", "box"}, {"बाकस", "box"}, {"बक्स", "box"},
  {"बाक्स", "box"}, {"डब्बा", "box"}, {"डिब्बा", "box"}, {"batta", "box"}, {"बट्टा", "box"},
  // bag
  {"bag", "bag"}, {"bora", "bag"}, {"bori", "bag"}, {"sack", "bag"}, {"thaili", "bag"},
  {"thaila", "bag"}, {"थैला", "bag"},
  {"बोरा", "bag"}, {"बोरी", "bag"}, {"थैली", "bag"}, {"ब्याग", "bag"},
  // can
  {"can", "can"}, {"tin", "can"}, {"क्यान", "can"}, {"टिन", "can"},
  // jar
  {"jar", "jar"}, {"जार", "jar"},
  // bundle
  {"bundle", "bundle"}, {"bdl", "bundle"}, {"bndl", "bundle"}, {"mutha", "bundle"},
  {"muttha", "bundle"}, {"मुठा", "bundle"}, {"मुट्ठा", "bundle"}, {"बन्डल", "bundle"},
  // tray
  {"tray", "tray"}, {"ट्रे", "tray"},
};

const std::unordered_map<std::string_view, std::string_view>& spelling_table() {
  static const auto table = [] {
    std::unordered_map<std::string_view, std::string_view> t;
    for (const auto& s : spellings)
      t.emplace(s.word, s.unit);
    return t;
  }();
  return table;
}

std::string_view lookup(std::string_view w) {
  const auto& t = spelling_table();
  auto it = t.find(w);
  return it == t.end() ? std::string_view{} : it->second;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::u32string to_u32(std::string_view s) {
  std::u32string out;
  for (size_t pos = 0; pos < s.size();)
    out.push_back(utf8::next(s, pos));
  return out;
}

// Optimal string alignment distance, capped: returns cap + 1 once it is exceeded.
size_t edit_distance(const std::u32string& a, const std::u32string& b, size_t cap) {
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > cap)
    return cap + 1;
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

}  // namespace

std::string ascii_lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view canonical_unit(std::string_view word) {
  std::string w = ascii_lower(word);
  while (!w.empty() && (w.back() == '.' || w.back() == ' '))
    w.pop_back();
  while (!w.empty() && w.front() == ' ')
    w.erase(w.begin());
  if (w.empty())
    return {};
  if (auto u = lookup(w); !u.empty())
    return u;
  // "k.g", "के.जी", "मि.लि": dots between the letters of an abbreviation.
  if (w.find('.') != std::string::npos) {
    w.erase(std::remove(w.begin(), w.end(), '.'), w.end());
    if (auto u = lookup(w); !u.empty())
      return u;
  }
  // Plurals: boxes, bags, packets, बोतलहरू.
  for (std::string_view suffix : {"es", "s", "हरू", "हरु"})
    if (ends_with(w, suffix) && w.size() > suffix.size())
      if (auto u = lookup(std::string_view{w}.substr(0, w.size() - suffix.size())); !u.empty())
        return u;
  return {};
}

namespace {

// A Devanagari word reduced to what OCR keeps reliably: its letters without
// vowel signs, virama, nukta and the reph (र + virama) OCR often drops.
std::u32string devanagari_skeleton(const std::u32string& w) {
  std::u32string out;
  for (size_t i = 0; i < w.size(); ++i) {
    char32_t c = w[i];
    if (c == 0x0930 && i + 1 < w.size() && w[i + 1] == 0x094D) {
      ++i;  // reph
      continue;
    }
    if ((c >= 0x093A && c <= 0x094F) || (c >= 0x0900 && c <= 0x0903) || c == 0x093C ||
        (c >= 0x0951 && c <= 0x0957) || c == 0x0962 || c == 0x0963)
      continue;
    out.push_back(c);
  }
  return out;
}

bool is_devanagari_word(const std::u32string& w) {
  return !w.empty() && std::all_of(w.begin(), w.end(),
                                   [](char32_t c) { return c >= 0x0900 && c <= 0x097F; });
}

}  // namespace

std::string_view canonical_unit_ocr(std::string_view word, bool* fuzzy, bool short_words,
                                    bool* ambiguous) {
  if (ambiguous)
    *ambiguous = false;
  auto result = [&](std::string_view found, bool conflict) {
    if (conflict && ambiguous)
      *ambiguous = true;
    if (!found.empty() && fuzzy)
      *fuzzy = true;
    return found;
  };
  if (fuzzy)
    *fuzzy = false;
  if (auto u = canonical_unit(word); !u.empty())
    return u;
  std::string w = ascii_lower(word);
  while (!w.empty() && w.back() == '.')
    w.pop_back();
  // Capital R read as "IZ" or "I2" ("CAIZTOON", "JAI2S").
  for (std::string_view rr : {"iz", "i2"})
    for (size_t at = w.find(rr); at != std::string::npos && at > 0; at = w.find(rr, at))
      w.replace(at, 2, "r");
  if (w != ascii_lower(word))
    if (auto u = canonical_unit(w); !u.empty())
      return result(u, false);
  // Devanagari: the same consonants as a spelling of three or more ("काटुन",
  // "दजेन" for कार्टुन, दर्जन).
  if (auto w32 = to_u32(w); is_devanagari_word(w32)) {
    auto skel = devanagari_skeleton(w32);
    std::string_view found;
    if (skel.size() >= 3)
      for (const auto& s : spellings) {
        auto s32 = to_u32(s.word);
        if (!is_devanagari_word(s32) || devanagari_skeleton(s32) != skel)
          continue;
        if (!found.empty() && found != s.unit)
          return result({}, true);
        found = s.unit;
      }
    if (!found.empty())
      return result(found, false);
  }
  // Digits and strokes OCR puts for letters: "b0x", "1tr", "|tr", "5ack".
  std::string swapped = w;
  for (auto& c : swapped) {
    if (c == '0')
      c = 'o';
    else if (c == '1' || c == '|')
      c = 'l';
    else if (c == '5')
      c = 's';
  }
  bool has_letter = std::any_of(swapped.begin(), swapped.end(),
                                [](char c) { return c >= 'a' && c <= 'z'; });
  if (swapped != w && has_letter)
    if (auto u = canonical_unit(swapped); !u.empty()) {
      if (fuzzy)
        *fuzzy = true;
      return u;
    }
  // One edit away from a long enough spelling; short words are too easily
  // confused with ordinary words to guess at.
  auto w32 = to_u32(w);
  std::string_view found;
  if (short_words && w32.size() >= 2 && w32.size() <= 4 &&
      std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    for (const auto& s : spellings) {
      auto s32 = to_u32(s.word);
      if (s32.size() > 5 || s.word[0] < 'a' || s.word[0] > 'z')
        continue;
      if (edit_distance(w32, s32, 1) <= 1) {
        if (!found.empty() && found != s.unit)
          return result({}, true);
        found = s.unit;
      }
    }
    return result(found, false);
  }
  if (w32.size() < 5)
    return {};
  // k for t, as handwriting is misread ("carkons", "pakets" stay one edit off).
  if (std::string kt = w; std::replace(kt.begin(), kt.end(), 'k', 't'), kt != w)
    if (auto u = canonical_unit_ocr(kt, nullptr, false, nullptr); !u.empty())
      return result(u, false);
  for (const auto& s : spellings) {
    auto s32 = to_u32(s.word);
    if (s32.size() < 5)
      continue;
    for (std::string_view suffix : {"", "s"}) {
      auto candidate = s32 + to_u32(suffix);
      if (edit_distance(w32, candidate, 1) <= 1) {
        if (!found.empty() && found != s.unit)
          return result({}, true);
        found = s.unit;
      }
    }
  }
  return result(found, false);
}

std::size_t devanagari_unit_prefix(std::string_view word) {
  if (!canonical_unit(word).empty())
    return 0;
  std::size_t best = 0;
  for (const auto& s : spellings) {
    auto s32 = to_u32(s.word);
    if (s32.size() < 3 || !is_devanagari_word(s32) || word.size() <= s.word.size() ||
        word.substr(0, s.word.size()) != s.word || s.word.size() <= best)
      continue;
    std::size_t pos = s.word.size();
    char32_t next = utf8::next(word, pos);
    bool sign = (next >= 0x093A && next <= 0x094F) || (next >= 0x0900 && next <= 0x0903) ||
                (next >= 0x0951 && next <= 0x0957) || next == 0x0962 || next == 0x0963;
    if (!sign && utf8::is_letter(next) && utf8::length(word.substr(s.word.size())) >= 2)
      best = s.word.size();
  }
  return best;
}

bool is_count_unit(std::string_view canonical) {
  return !canonical.empty() && canonical != "kg" && canonical != "g" && canonical != "l" &&
         canonical != "ml";
}

std::string to_ascii_digits(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t pos = 0; pos < s.size();) {
    size_t start = pos;
    char32_t c = utf8::next(s, pos);
    if (c >= 0x0966 && c <= 0x096F)
      out.push_back(static_cast<char>('0' + (c - 0x0966)));
    else
      out.append(s.substr(start, pos - start));
  }
  return out;
}

namespace utf8 {

char32_t next(std::string_view s, std::size_t& pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char b0 = byte(pos);
  size_t len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || pos + len > s.size()) {
    ++pos;
    return 0xFFFD;
  }
  char32_t c = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (size_t i = 1; i < len; ++i) {
    unsigned char b = byte(pos + i);
    if ((b >> 6) != 0x2) {
      ++pos;
      return 0xFFFD;
    }
    c = (c << 6) | (b & 0x3F);
  }
  pos += len;
  return c;
}

std::size_t length(std::string_view s) {
  size_t n = 0;
  for (size_t pos = 0; pos < s.size(); ++n)
    next(s, pos);
  return n;
}

bool is_digit(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 0x0966 && c <= 0x096F);
}

int digit_value(char32_t c) {
  if (c >= '0' && c <= '9')
    return static_cast<int>(c - '0');
  if (c >= 0x0966 && c <= 0x096F)
    return static_cast<int>(c - 0x0966);
  return -1;
}

bool is_letter(char32_t c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
    return true;
  if (c >= 0x00C0 && c <= 0x024F)
    return c != 0x00D7 && c != 0x00F7;  // × and ÷ sit inside Latin-1
  if (c >= 0x0900 && c <= 0x097F)
    return !(c == 0x0964 || c == 0x0965 || c == 0x0970 || (c >= 0x0966 && c <= 0x096F));
  return c == 0x200C || c == 0x200D;
}

bool has_letter(std::string_view s) {
  for (size_t pos = 0; pos < s.size();)
    if (is_letter(next(s, pos)))
      return true;
  return false;
}

bool is_space(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
         c == 0x00A0 || (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F ||
         c == 0x3000 || c == 0xFEFF;
}

}  // namespace utf8

}  // namespace khaacho::model
