// Symmetric-delete index: deletion hashes sorted into ranges of word ids,
// found through an open-addressing table.
#include "model/word_lookup.hpp"

#include <algorithm>

namespace khaacho::model {

word_lookup::word_lookup(const std::vector<std::string>& words, size_t stored_edits) {
  stored_edits = std::min(stored_edits, max_edits);
  std::vector<std::pair<uint64_t, uint32_t>> pairs;
  std::vector<uint64_t> mine;
  for (uint32_t id = 0; id < words.size(); ++id) {
    const auto& w = words[id];
    mine.clear();
    visit_deletions(w, w.size() > 24 ? std::min<size_t>(1, stored_edits) : stored_edits,
                    [&](uint64_t h) { mine.push_back(h); });
    std::sort(mine.begin(), mine.end());
    mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
    for (uint64_t h : mine)
      pairs.emplace_back(h, id);
  }
  std::sort(pairs.begin(), pairs.end());
  size_t distinct = 0;
  for (size_t i = 0; i < pairs.size(); ++i)
    distinct += i == 0 || pairs[i].first != pairs[i - 1].first;
  size_t cap = 16;
  while (cap < 2 * distinct)
    cap <<= 1;
  slots_.assign(cap, slot{});
  mask_ = cap - 1;
  ids_.reserve(pairs.size());
  for (size_t i = 0; i < pairs.size();) {
    size_t j = i;
    while (j < pairs.size() && pairs[j].first == pairs[i].first)
      ids_.push_back(pairs[j++].second);
    uint64_t s = pairs[i].first & mask_;
    while (slots_[s].begin != slots_[s].end)
      s = (s + 1) & mask_;
    slots_[s] = {pairs[i].first, static_cast<uint32_t>(i), static_cast<uint32_t>(j)};
    i = j;
  }
}

}  // namespace khaacho::model
