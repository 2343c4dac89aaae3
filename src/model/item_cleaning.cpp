// clean_items of item_cleaning.hpp: drop, trim, normalize units, merge, cap.
#include "model/item_cleaning.hpp"

#include <cmath>
#include <unordered_map>

#include "model/catalog_records.hpp"
#include "model/unit_words.hpp"

namespace khaacho::model {

namespace {

struct code_point {
  char32_t c;
  size_t b;  // byte span
  size_t e;
};

std::vector<code_point> code_points(std::string_view s) {
  std::vector<code_point> out;
  for (size_t pos = 0; pos < s.size();) {
    size_t b = pos;
    char32_t c = utf8::next(s, pos);
    out.push_back({c, b, pos});
  }
  return out;
}

bool is_word_char(char32_t c) {
  return utf8::is_letter(c) || utf8::is_digit(c);
}

void add_reason(extracted_item& item, const std::string& reason) {
  item.unsure = true;
  if (item.unsure_reason.find(reason) != std::string::npos)
    return;
  if (!item.unsure_reason.empty())
    item.unsure_reason += "; ";
  item.unsure_reason += reason;
}

}  // namespace

std::string trim_item_name(std::string_view name) {
  // Collapse white space first, so the ends are real characters.
  std::string collapsed;
  bool space = false;
  for (const auto& cp : code_points(name)) {
    if (utf8::is_space(cp.c)) {
      space = !collapsed.empty();
      continue;
    }
    if (space)
      collapsed.push_back(' ');
    space = false;
    collapsed.append(name.substr(cp.b, cp.e - cp.b));
  }
  auto cps = code_points(collapsed);
  size_t lo = 0;
  size_t hi = cps.size();
  auto count = [&](size_t a, size_t b, char32_t c) {
    size_t n = 0;
    for (size_t i = a; i < b; ++i)
      n += cps[i].c == c;
    return n;
  };
  for (bool changed = true; changed && lo < hi;) {
    changed = false;
    while (lo < hi && !is_word_char(cps[lo].c) &&
           !(cps[lo].c == '(' && count(lo + 1, hi, ')') > count(lo + 1, hi, '('))) {
      ++lo;
      changed = true;
    }
    while (hi > lo && !is_word_char(cps[hi - 1].c) &&
           !(cps[hi - 1].c == ')' && count(lo, hi - 1, '(') > count(lo, hi - 1, ')'))) {
      --hi;
      changed = true;
    }
    // A space left at an end after stripping ("Rara -" -> "Rara ") goes too.
    while (lo < hi && cps[lo].c == ' ') {
      ++lo;
      changed = true;
    }
    while (hi > lo && cps[hi - 1].c == ' ') {
      --hi;
      changed = true;
    }
  }
  if (lo >= hi)
    return {};
  return collapsed.substr(cps[lo].b, cps[hi - 1].e - cps[lo].b);
}

std::string normalized_name(std::string_view name) {
  std::string out;
  bool space = false;
  for (const auto& cp : code_points(name)) {
    if (!is_word_char(cp.c)) {
      space = !out.empty();
      continue;
    }
    if (space)
      out.push_back(' ');
    space = false;
    if (utf8::digit_value(cp.c) >= 0)
      out.push_back(static_cast<char>('0' + utf8::digit_value(cp.c)));
    else if (cp.c < 0x80)
      out.push_back(static_cast<char>(cp.c >= 'A' && cp.c <= 'Z' ? cp.c - 'A' + 'a' : cp.c));
    else
      out.append(name.substr(cp.b, cp.e - cp.b));
  }
  return out;
}

std::vector<extracted_item> clean_items(std::vector<extracted_item> items, std::size_t max_items) {
  std::vector<extracted_item> out;
  std::unordered_map<std::string, size_t> by_key;                 // name + unit -> index in out
  std::unordered_map<std::string, std::vector<size_t>> by_name;  // name -> indices in out
  for (auto& item : items) {
    if (!std::isfinite(item.quantity) || item.quantity <= 0)
      continue;
    item.name = trim_item_name(item.name);
    std::string key_name = normalized_name(item.name);
    if (key_name.empty())
      continue;
    if (!item.unit.empty() && !is_catalog_unit(item.unit)) {
      if (auto u = canonical_unit(item.unit); !u.empty()) {
        if (item.raw_unit.empty())
          item.raw_unit = item.unit;
        item.unit = std::string{u};
      } else {
        if (item.raw_unit.empty())
          item.raw_unit = item.unit;
        add_reason(item, "unknown unit '" + item.unit + "'");
        item.unit.clear();
      }
    } else if (item.unit.empty() && !item.raw_unit.empty()) {
      if (auto u = canonical_unit(item.raw_unit); !u.empty())
        item.unit = std::string{u};
    }
    if (item.quantity > 1000)
      add_reason(item, "quantity over 1000");

    std::string key = key_name + '\x1f' + item.unit;
    if (auto it = by_key.find(key); it != by_key.end()) {
      extracted_item& kept = out[it->second];
      kept.quantity += item.quantity;
      if (item.unsure) {
        kept.unsure = true;
        if (!item.unsure_reason.empty())
          add_reason(kept, item.unsure_reason);
      }
      if (!item.line.empty() && item.line != kept.line)
        kept.line += kept.line.empty() ? item.line : "\n" + item.line;
      continue;
    }
    auto& same_name = by_name[key_name];
    if (!same_name.empty()) {
      const std::string reason = "same item listed with different units";
      add_reason(item, reason);
      for (size_t i : same_name)
        add_reason(out[i], reason);
    }
    same_name.push_back(out.size());
    by_key.emplace(std::move(key), out.size());
    out.push_back(std::move(item));
  }
  if (out.size() > max_items) {
    size_t merged_count = out.size();
    out.resize(max_items);
    if (!out.empty())
      add_reason(out.back(), "too many items (" + std::to_string(merged_count) + " read, " +
                               std::to_string(max_items) + " kept)");
  }
  return out;
}

}  // namespace khaacho::model
