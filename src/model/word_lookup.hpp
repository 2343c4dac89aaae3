// Finds the words of a fixed vocabulary that lie within two edits of a query
// word without comparing against all of them: the symmetric-delete scheme
// (every word is stored under each string left after deleting up to two of
// its letters; two words within k edits share such a string with at most k
// deletions on each side). Immutable after construction; reads are
// thread-safe. Pure logic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace khaacho::model {

class word_lookup {
 public:
  /// Most deletions stored per word: words within this many edits are found.
  static constexpr size_t max_edits = 2;

  word_lookup() = default;
  /// Indexes `words` (ids are positions) under up to `stored_edits`
  /// (<= max_edits) deletions. Words longer than 24 bytes are only stored
  /// with one deletion: a third typo in them is found by nothing else.
  explicit word_lookup(const std::vector<std::string>& words, size_t stored_edits = max_edits);

  /// Calls `f(id)` for every word that may be within `edits` (<= the stored
  /// deletions) of `word`, and a few that are not (verify with a distance);
  /// an id may come more than once. `edits` 0 gives the candidates for an
  /// equal word.
  template <class F>
  void for_each_candidate(std::string_view word, size_t edits, F&& f) const {
    if (slots_.empty())
      return;
    // All probes first, so their table lines load in parallel.
    uint64_t h[probe_batch];
    size_t n = 0;
    auto flush = [&] {
      for (size_t k = 0; k < n; ++k)
        __builtin_prefetch(&slots_[h[k] & mask_]);
      for (size_t k = 0; k < n; ++k) {
        auto [begin, end] = find(h[k]);
        for (auto i = begin; i < end; ++i)
          f(ids_[i]);
      }
      n = 0;
    };
    visit_deletions(word, edits, [&](uint64_t x) {
      h[n++] = x;
      if (n == probe_batch)
        flush();
    });
    flush();
  }

 private:
  static constexpr size_t probe_batch = 32;
  struct slot {
    uint64_t hash = 0;
    uint32_t begin = 0;  // ids_[begin, end) were stored under `hash`
    uint32_t end = 0;    // begin == end: empty slot
  };
  // A deletion's hash: FNV-1a over the kept bytes, then a finalizer so low
  // bits index well. The state over a shared prefix carries on, so each
  // deletion hashes only what follows it.
  static uint64_t fnv_step(uint64_t h, char c) noexcept {
    return (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  }
  static uint64_t fnv_from(uint64_t h, std::string_view w, size_t from) noexcept {
    for (size_t t = from; t < w.size(); ++t)
      h = fnv_step(h, w[t]);
    return h;
  }
  static uint64_t finish(uint64_t h, size_t kept) noexcept {
    h ^= kept;  // then the finalizer of hash_without
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
  }
  template <class F>
  static void visit_deletions(std::string_view w, size_t edits, F&& f) {
    const size_t n = w.size();
    constexpr uint64_t basis = 0xcbf29ce484222325ULL;
    f(finish(fnv_from(basis, w, 0), n));
    if (edits >= 1) {
      uint64_t pre = basis;  // over w[0, i)
      for (size_t i = 0; i < n; ++i) {
        f(finish(fnv_from(pre, w, i + 1), n - 1));
        pre = fnv_step(pre, w[i]);
      }
    }
    if (edits >= 2) {
      uint64_t pre = basis;
      for (size_t i = 0; i < n; ++i) {
        uint64_t mid = pre;  // over w[0, i) and w(i, j)
        for (size_t j = i + 1; j < n; ++j) {
          f(finish(fnv_from(mid, w, j + 1), n - 2));
          mid = fnv_step(mid, w[j]);
        }
        pre = fnv_step(pre, w[i]);
      }
    }
  }
  std::pair<uint32_t, uint32_t> find(uint64_t h) const noexcept {
    for (uint64_t s = h & mask_;; s = (s + 1) & mask_) {
      const slot& x = slots_[s];
      if (x.begin == x.end)
        return {0, 0};
      if (x.hash == h)
        return {x.begin, x.end};
    }
  }

  // Open addressing over distinct deletion hashes, each slot naming its ids_.
  std::vector<slot> slots_;
  uint64_t mask_ = 0;
  std::vector<uint32_t> ids_;
};

}  // namespace khaacho::model
