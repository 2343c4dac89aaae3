// Symmetric-delete index: deletion hashes sorted into ranges of word ids,
// found through an open-addressing table.
#include "model/word_lookup.hpp"

#include <algorithm>

namespace khaacho::model {

namespace {

constexpr uint32_t empty_slot = UINT32_MAX;

uint64_t mix(uint64_t h) noexcept {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

}  // namespace

uint64_t word_lookup::hash_without(std::string_view w, size_t skip_a, size_t skip_b) noexcept {
  // FNV-1a over the kept bytes, then a finalizer so low bits index well.
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < w.size(); ++i) {
    if (i == skip_a || i == skip_b)
      continue;
    h ^= static_cast<unsigned char>(w[i]);
    h *= 0x100000001b3ULL;
  }
  return mix(h ^ (w.size() - (skip_a < w.size()) - (skip_b < w.size())));
}

word_lookup::word_lookup(const std::vector<std::string>& words) {
  std::vector<std::pair<uint64_t, uint32_t>> pairs;
  std::vector<uint64_t> mine;
  for (uint32_t id = 0; id < words.size(); ++id) {
    const auto& w = words[id];
    mine.clear();
    visit_deletions(w, w.size() > 24 ? 1 : max_edits, [&](uint64_t h) { mine.push_back(h); });
    std::sort(mine.begin(), mine.end());
    mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
    for (uint64_t h : mine)
      pairs.emplace_back(h, id);
  }
  std::sort(pairs.begin(), pairs.end());
  ids_.reserve(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (i == 0 || pairs[i].first != pairs[i - 1].first) {
      hashes_.push_back(pairs[i].first);
      begin_.push_back(static_cast<uint32_t>(i));
    }
    ids_.push_back(pairs[i].second);
  }
  begin_.push_back(static_cast<uint32_t>(ids_.size()));
  size_t cap = 16;
  while (cap < 2 * hashes_.size())
    cap <<= 1;
  slots_.assign(cap, empty_slot);
  mask_ = cap - 1;
  for (uint32_t k = 0; k < hashes_.size(); ++k) {
    uint64_t s = hashes_[k] & mask_;
    while (slots_[s] != empty_slot)
      s = (s + 1) & mask_;
    slots_[s] = k;
  }
}

std::pair<uint32_t, uint32_t> word_lookup::find(uint64_t h) const noexcept {
  if (slots_.empty())
    return {0, 0};
  for (uint64_t s = h & mask_;; s = (s + 1) & mask_) {
    uint32_t k = slots_[s];
    if (k == empty_slot)
      return {0, 0};
    if (hashes_[k] == h)
      return {begin_[k], begin_[k + 1]};
  }
}

}  // namespace khaacho::model
