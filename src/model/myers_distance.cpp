// Bit-parallel Levenshtein distance (Myers 1999; Hyyrö 2001 for the global
// distance, Myers' block scheme for patterns longer than one word).
#include "model/myers_distance.hpp"

#include <algorithm>
#include <string>

#include "model/unit_words.hpp"

namespace khaacho::model {

namespace {

// One column step of one 64-symbol block. `hin` is the horizontal delta
// entering at the block's top (+1 for the first block: the top row of the
// distance matrix counts up); returns the delta leaving at `last_bit`.
int advance_block(uint64_t& pv, uint64_t& mv, uint64_t eq, int hin, uint64_t last_bit) {
  uint64_t xv = eq | mv;
  if (hin < 0)
    eq |= 1;
  uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
  uint64_t ph = mv | ~(xh | pv);
  uint64_t mh = pv & xh;
  int hout = 0;
  if (ph & last_bit)
    hout = 1;
  else if (mh & last_bit)
    hout = -1;
  ph <<= 1;
  mh <<= 1;
  if (hin < 0)
    mh |= 1;
  else if (hin > 0)
    ph |= 1;
  pv = mh | ~(xv | ph);
  mv = ph & xv;
  return hout;
}

}  // namespace

myers_pattern::myers_pattern(std::string_view pattern, bool swaps) : swaps_(swaps) {
  std::vector<char32_t> symbols;
  for (size_t pos = 0; pos < pattern.size();)
    symbols.push_back(utf8::next(pattern, pos));
  m_ = symbols.size();
  blocks_ = std::max<size_t>(1, (m_ + 63) / 64);
  ascii_masks_.assign(128 * blocks_, 0);
  zero_.assign(blocks_, 0);
  for (size_t i = 0; i < m_; ++i) {
    char32_t c = symbols[i];
    uint64_t bit = uint64_t{1} << (i % 64);
    if (c < 128) {
      ascii_masks_[c * blocks_ + i / 64] |= bit;
      continue;
    }
    ascii_ = false;
    auto it = std::lower_bound(other_masks_.begin(), other_masks_.end(), c,
                               [](const auto& e, char32_t k) { return e.first < k; });
    if (it == other_masks_.end() || it->first != c)
      it = other_masks_.insert(it, {c, std::vector<uint64_t>(blocks_, 0)});
    it->second[i / 64] |= bit;
  }
}

const uint64_t* myers_pattern::masks(char32_t c) const {
  if (c < 128)
    return &ascii_masks_[c * blocks_];
  auto it = std::lower_bound(other_masks_.begin(), other_masks_.end(), c,
                             [](const auto& e, char32_t k) { return e.first < k; });
  return it != other_masks_.end() && it->first == c ? it->second.data() : zero_.data();
}

size_t myers_pattern::distance(std::string_view text) const {
  if (m_ == 0)
    return utf8::length(text);
  return m_ <= 64 ? distance_single(text, {}) : distance_blocked(text);
}

size_t myers_pattern::distance(std::string_view head, std::string_view tail) const {
  if (m_ == 0)
    return utf8::length(head) + utf8::length(tail);
  if (m_ <= 64)
    return distance_single(head, tail);
  std::string joined{head};
  joined.append(tail);
  return distance_blocked(joined);
}

size_t myers_pattern::distance_single(std::string_view head, std::string_view tail) const {
  const uint64_t last = uint64_t{1} << (m_ - 1);
  uint64_t vp = ~uint64_t{0};
  uint64_t vn = 0;
  size_t score = m_;
  // For swaps: the previous column's diagonal-zero bits and match mask. A
  // zero diagonal reached by matching symbol i against this text symbol and
  // symbol i-1 against the one before, where the cell two back diagonally
  // was not already free, is a swap (Hyyrö 2003).
  uint64_t d0_prev = 0;
  uint64_t eq_prev = 0;
  const bool swaps = swaps_;
  auto step = [&](uint64_t eq) {
    uint64_t x = eq | vn;
    uint64_t d0 = (((x & vp) + vp) ^ vp) | x;
    if (swaps) {
      d0 |= ((~d0_prev & eq) << 1) & eq_prev;
      d0_prev = d0;
      eq_prev = eq;
    }
    uint64_t hp = vn | ~(d0 | vp);
    uint64_t hn = vp & d0;
    if (hp & last)
      ++score;
    else if (hn & last)
      --score;
    // `| 1`: the top row of the matrix is 0,1,2,... (global, not search).
    x = (hp << 1) | 1;
    vn = x & d0;
    vp = (hn << 1) | ~(x | d0);
  };
  // Most keys are ASCII: skip the UTF-8 decoder for them.
  for (std::string_view text : {head, tail})
    for (size_t pos = 0; pos < text.size();) {
      auto b = static_cast<unsigned char>(text[pos]);
      if (b < 128) {
        step(ascii_masks_[b]);
        ++pos;
      } else {
        step(*masks(utf8::next(text, pos)));
      }
    }
  return score;
}

size_t myers_pattern::distance_blocked(std::string_view text) const {
  std::vector<uint64_t> pv(blocks_, ~uint64_t{0});
  std::vector<uint64_t> mv(blocks_, 0);
  const uint64_t top = uint64_t{1} << 63;
  const uint64_t last = uint64_t{1} << ((m_ - 1) % 64);
  size_t score = m_;
  for (size_t pos = 0; pos < text.size();) {
    const uint64_t* eq = masks(utf8::next(text, pos));
    int h = 1;
    for (size_t b = 0; b < blocks_; ++b)
      h = advance_block(pv[b], mv[b], eq[b], h, b + 1 == blocks_ ? last : top);
    score = static_cast<size_t>(static_cast<long>(score) + h);
  }
  return score;
}

size_t levenshtein(std::string_view a, std::string_view b) {
  // The shorter string as the pattern keeps the block count down.
  if (a.size() > b.size())
    std::swap(a, b);
  return myers_pattern(a).distance(b);
}

}  // namespace khaacho::model
