// The catalog matcher. Every name and alias is read into word keys
// (match_terms: folded, Devanagari romanized, spelling variants merged) and a
// pack size. A written item is scored against a product as the best of its
// names and aliases:
//
//   qcov  = share of the item's words (weighted by length) found in the name,
//           each by its word_similarity to the best name word; two item words
//           may meet one run-together name word ("wai wai" / "waiwai") and
//           one item word two name words ("waiwai" / "wai wai");
//   ecov  = the same share seen from the name's words (a word repeating the
//           product's category, "noodles", "oil", weighs half);
//   score = qcov * name_cover_factor(ecov) * size factor
//
// so words the item lacks (brand, "noodles") cost little while most of the
// name is covered, and words the name lacks cost much. A written size that
// is not the product's pack size costs 20 %, a bare number 25 %: an exact
// name with the wrong size stays below the 0.85 auto-match bar, and a number
// left in the name once the quantity is taken is nearly always a size, worth
// more than a brand word the writer left out ("ghi 500" is DDC Ghee 500 ml,
// not the 1 L jar whose alias is "ghee"). Words are compared by edit
// distance with swapped neighbours as one edit ("matra" for "matar"); a
// Nepali word for a kind of goods also meets its English word at 0.9
// ("Lux sabun" for "Lux Soap", grocery_synonyms), and a word meets one with
// the same consonants at 0.8 (English written in Devanagari, "सनफ्लावर" for
// "sunflower", consonant_skeleton). Then
// the ambiguity penalty: a best product less than 0.1 ahead of the next
// product loses twice the shortfall, so two products that both fit
// "wai wai" end up below the 0.85 auto-match bar.
//
// The index: word keys are a vocabulary with an inverted list of products per
// word, and a symmetric-delete table (word_lookup) finds the vocabulary words
// within two edits of an item word. Item words are taken rarest first; the
// products they reach are scored exactly, best upper bound first, until no
// unscored product's bound (words found so far + words not yet looked at,
// and how short its shortest name is) can reach the best score less the
// ambiguity margin. Common words ("chicken", "noodles") are walked only when
// the rare ones leave that question open.
#include "model/catalog_index.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <unordered_map>

#include "model/match_terms.hpp"
#include "model/grocery_synonyms.hpp"
#include "model/myers_distance.hpp"
#include "model/text_folding.hpp"
#include "model/unit_words.hpp"
#include "model/word_lookup.hpp"
#include "model/word_similarity.hpp"

namespace khaacho::model {

namespace {

constexpr double generic_word_weight = 0.5;  // a name word that repeats its category ("noodles")
constexpr double size_mismatch = 0.8;      // written size is another pack size
constexpr double number_mismatch = 0.75;   // a bare number is not the pack size
// An item that gives no size, met by a name that does ("parle-g" against
// "Parle-G 250 g" when the 56 g pack's alias is "parle-g" itself): the
// name that needs no size fits a little better. Small enough to change only
// near-ties, which stay flagged as ambiguous.
constexpr double unsaid_size = 0.98;
constexpr float synonym_similarity = 0.9f;  // "sabun" for "soap": right, but not as written
constexpr float skeleton_similarity = 0.8f;  // same consonants, other vowels: likely, not sure
constexpr double ambiguity_margin = 0.1;
constexpr double ambiguity_slope = 2.0;
constexpr double min_score = 0.3;    // below this a product is not listed at all
constexpr double list_window = 0.3;  // the index lists products this close to the best
constexpr size_t max_scored = 256;   // exact scorings per item, at most

struct entry {
  uint32_t tok_begin = 0;
  uint16_t tok_count = 0;
  uint16_t source = 0;  // 0: the name; k + 1: alias k
  float weight = 0;     // sum of its word weights
  bool sized = false;   // every name with these words also gives a size or number
};

// How much of a name the item must cover: the item's words missing from the
// name cost little while most of the name is covered ("rara chicken" for
// "Rara Chicken Noodles 70 g"), then fast ("total" for "Lifebuoy Total Soap").
double name_cover_factor(double ecov) {
  if (ecov >= 0.55)
    return 1.0 - 0.35 * (1.0 - ecov);
  return std::max(0.0, 0.8425 - 1.2 * (0.55 - ecov));
}

// A name word counts as covered once matched at all: the typo already cost
// its share in the item's cover, and should not cost twice.
float covered(float sim) { return sim > 0 ? std::min(1.0f, sim + 0.15f) : 0.0f; }

struct scored {
  uint32_t product = 0;
  double score = 0;
  uint16_t source = 0;
};

struct prepared_query {
  match_terms terms;
  size_t words = 0;
  std::vector<std::string> units;  // the words, then each adjacent pair run together
  std::vector<uint16_t> unit_len;
  std::vector<uint8_t> unit_numeric;
  std::vector<myers_pattern> patterns;
  // Per unit: the vocabulary id of its English word (grocery_synonyms),
  // UINT32_MAX for none (and for pairs).
  std::vector<uint32_t> synonym;
  // Per unit: the id of its consonant skeleton among the vocabulary's
  // (catalog_index::impl::skeleton_ids), UINT32_MAX for none (and for pairs).
  std::vector<uint32_t> skeleton;
  std::vector<double> weight;  // per word
  double total = 0;
  double reach = 0;  // most name weight the words can account for
};

// Per-thread working memory, reused across items; the generation counter
// makes stale marks from earlier items harmless without clearing arrays.
struct match_scratch {
  static constexpr size_t pair_slots = 4096;  // a power of two
  uint64_t gen = 0;
  std::vector<uint64_t> vocab_seen;
  std::vector<uint32_t> vocab_slot;
  std::vector<uint64_t> vocab_unit_seen;
  std::vector<uint64_t> pair_seen;  // per adjacent-name-word pair: (gen << 6) | word + 1
  std::vector<float> sims;
  std::vector<uint32_t> sims_done;  // per slot: bit u set once unit u is in
  size_t slots = 0;
  // What the current item knows of each product, in one cache line slot.
  struct product_state {
    uint64_t touched = 0;  // gen when first reached; the rest is valid only then
    uint32_t words = 0;    // bit i: credited for item word i; bit 31: scored
    float acc = 0;         // credit from the item words so far
  };
  std::vector<product_state> product;
  std::vector<uint32_t> touched;
  // Bit p set once product p is reached: small enough to stay in cache, so
  // checking a long list against the reached products costs little.
  std::vector<uint64_t> touched_bits;
  // Similarities of each item word to a pair of adjacent name words, by pair:
  // the same pairs ("wai"+"wai") recur across the products of an item.
  std::vector<uint64_t> pair_key;
  std::vector<uint64_t> pair_gen;
  std::vector<float> pair_sims;  // slot * max_match_words + word

  void begin(size_t vocab, size_t pairs, size_t products) {
    if (pair_seen.size() < pairs)
      pair_seen.resize(pairs, 0);
    if (vocab_seen.size() < vocab) {
      vocab_seen.resize(vocab, 0);
      vocab_slot.resize(vocab, 0);
      vocab_unit_seen.resize(vocab, 0);
    }
    if (product.size() < products)
      product.resize(products);
    if (touched_bits.size() < (products + 63) / 64)
      touched_bits.resize((products + 63) / 64, 0);
    for (uint32_t p : touched)
      touched_bits[p >> 6] = 0;
    if (pair_key.empty()) {
      pair_key.resize(pair_slots);
      pair_gen.resize(pair_slots, 0);
      pair_sims.resize(pair_slots * max_match_words);
    }
    ++gen;
    slots = 0;
    sims.clear();
    touched.clear();
  }
};

thread_local match_scratch scratch;

bool numeric(std::string_view s) { return !s.empty() && s.front() >= '0' && s.front() <= '9'; }

size_t abs_diff(size_t a, size_t b) { return a > b ? a - b : b - a; }

// Whether `a` and `b` are equal (edits 0) or at most one edit apart (edits 1).
bool within_one_edit(std::string_view a, std::string_view b, size_t edits) {
  if (edits == 0 || a == b)
    return a == b;
  if (a.size() > b.size())
    std::swap(a, b);
  if (b.size() - a.size() > 1)
    return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i])
    ++i;
  if (a.size() == b.size())
    return a.substr(i + 1) == b.substr(i + 1);
  return a.substr(i) == b.substr(i + 1);
}

}  // namespace

struct catalog_index::impl {
  std::vector<catalog_product> products;
  std::vector<std::string> vocab;
  std::vector<uint16_t> vocab_len;  // code points
  std::vector<uint8_t> vocab_numeric;
  // Keys are vocabulary words (v) and, from vocab.size() on, pairs of name
  // words that stand next to each other (vocab.size() + pair id). Products
  // containing key k: [post_begin[k], post_begin[k+1]).
  std::vector<uint32_t> post_begin;
  std::vector<uint32_t> postings;
  // Pair ids in (first, second) order. The pairs word v begins are
  // by_first[pair_after[v], pair_after[v+1]), ordered by the length of their
  // second word (in next_len); the pairs it ends likewise in by_second.
  std::vector<uint32_t> pair_first, pair_second;
  std::vector<uint32_t> pair_after, by_first;
  std::vector<uint32_t> pair_before, by_second;
  std::vector<uint16_t> next_len, prev_len;
  std::vector<uint32_t> entry_begin;  // entries of product p: [entry_begin[p], entry_begin[p+1])
  std::vector<entry> entries;
  std::vector<uint32_t> tokens;
  std::vector<float> token_weight;  // per entry word: its length, halved for a category word
  std::vector<pack_measure> sizes;  // dimension 0: none
  std::vector<double> pack_value;   // as written in the catalog, NaN if none
  std::vector<float> min_entry_weight;
  word_lookup lookup;
  word_lookup lookup_one;  // one deletion stored: cheaper where one edit is asked
  std::vector<uint32_t> exact_slots;  // open addressing: vocabulary id by the word's hash
  size_t exact_mask = 0;
  // Byte lengths some vocabulary word has: a lookup of a word whose length
  // is more than `edits` from all of them finds nothing (symmetric deletes).
  std::vector<uint8_t> byte_len_present;
  // Consonant skeletons of the vocabulary, numbered; per word its skeleton's
  // id (UINT32_MAX for none), per id the words that have it.
  std::unordered_map<std::string, uint32_t> skeleton_ids;
  std::vector<uint32_t> vocab_skeleton;
  std::vector<std::vector<uint32_t>> skeleton_words;
  bool any_len_within(size_t n, size_t edits) const {
    const size_t lo = n > edits ? n - edits : 0;
    for (size_t l = lo; l <= n + edits && l < byte_len_present.size(); ++l)
      if (byte_len_present[l])
        return true;
    return false;
  }

  uint32_t find_word(std::string_view w) const;

  explicit impl(std::vector<catalog_product> p);

  prepared_query prepare(std::string_view text) const;
  float* sim_slot(const prepared_query& q, uint32_t v) const;
  float sim_of(const prepared_query& q, size_t u, uint32_t v) const;
  const float* sims_for(const prepared_query& q, uint32_t v) const;
  float unit_sim(const prepared_query& q, size_t u, uint32_t v) const;
  float join_sim(const prepared_query& q, size_t i, uint32_t v1, uint32_t v2) const;
  const float* join_sims(const prepared_query& q, uint32_t v1, uint32_t v2) const;
  void run_together_hits(const prepared_query& q, size_t i,
                         std::vector<std::pair<uint32_t, float>>& hits) const;
  double size_factor(const prepared_query& q, uint32_t p) const;
  scored score_product(const prepared_query& q, uint32_t p) const;
  std::vector<match_candidate> finish(std::vector<scored>& all, size_t limit,
                                     double unseen = 0) const;
  std::vector<match_candidate> match(std::string_view text, size_t limit) const;
  std::vector<match_candidate> match_exhaustive(std::string_view text, size_t limit) const;
};

catalog_index::impl::impl(std::vector<catalog_product> p) : products(std::move(p)) {
  std::unordered_map<std::string, uint32_t> ids;
  auto id_of = [&](const std::string& w) {
    auto [it, fresh] = ids.try_emplace(w, static_cast<uint32_t>(vocab.size()));
    if (fresh)
      vocab.push_back(w);
    return it->second;
  };
  entry_begin.reserve(products.size() + 1);
  sizes.resize(products.size());
  pack_value.assign(products.size(), std::numeric_limits<double>::quiet_NaN());
  min_entry_weight.assign(products.size(), 1.0f);
  std::vector<std::pair<uint32_t, uint32_t>> word_product;  // (word, product)
  std::vector<std::pair<uint64_t, uint32_t>> pair_product;  // ((first << 32) | second, product)
  std::vector<uint32_t> ids_now;
  std::vector<uint32_t> product_words;
  for (uint32_t pi = 0; pi < products.size(); ++pi) {
    const auto& prod = products[pi];
    entry_begin.push_back(static_cast<uint32_t>(entries.size()));
    if (prod.pack_size_value)
      if (auto m = make_measure(*prod.pack_size_value, prod.pack_size_unit)) {
        sizes[pi] = *m;
        pack_value[pi] = *prod.pack_size_value;
      }
    product_words.clear();
    // Words of the category ("edible_oil" -> edible, oil) are generic in a name.
    std::vector<std::string> category_words;
    for (const auto& t : fold_tokens(prod.category))
      category_words.push_back(word_key(t.text));
    auto is_generic = [&](const std::string& w) {
      for (const auto& c : category_words)
        if (w == c || (w.size() + 1 == c.size() && c.back() == 's' && c.compare(0, w.size(), w) == 0) ||
            (c.size() + 1 == w.size() && w.back() == 's' && w.compare(0, c.size(), c) == 0))
          return true;
      return false;
    };
    std::vector<float> weights_now;
    float min_w = std::numeric_limits<float>::max();
    size_t first = entries.size();
    for (size_t src = 0; src <= prod.aliases.size() && src < UINT16_MAX; ++src) {
      const std::string& text = src == 0 ? prod.name : prod.aliases[src - 1];
      match_terms terms = analyze_match_text(text);
      if (src == 0 && sizes[pi].dimension == 0 && !terms.sizes.empty())
        sizes[pi] = terms.sizes.front();
      if (terms.words.empty())
        continue;
      ids_now.clear();
      weights_now.clear();
      float weight = 0;
      for (const auto& w : terms.words) {
        ids_now.push_back(id_of(w));
        float wt = static_cast<float>(utf8::length(w));
        if (is_generic(w))
          wt *= static_cast<float>(generic_word_weight);
        weights_now.push_back(wt);
        weight += wt;
      }
      bool sized = !terms.sizes.empty() || !terms.numbers.empty();
      // An alias that folds to an earlier name of the same product adds
      // nothing, but that the words need no size.
      bool dup = false;
      for (size_t e = first; e < entries.size() && !dup; ++e) {
        dup = entries[e].tok_count == ids_now.size() &&
              std::equal(ids_now.begin(), ids_now.end(), tokens.begin() + entries[e].tok_begin);
        if (dup)
          entries[e].sized = entries[e].sized && sized;
      }
      if (dup)
        continue;
      entries.push_back({static_cast<uint32_t>(tokens.size()), static_cast<uint16_t>(ids_now.size()),
                         static_cast<uint16_t>(src), weight, sized});
      tokens.insert(tokens.end(), ids_now.begin(), ids_now.end());
      for (size_t j = 0; j + 1 < ids_now.size(); ++j)
        pair_product.emplace_back((uint64_t{ids_now[j]} << 32) | ids_now[j + 1], pi);
      token_weight.insert(token_weight.end(), weights_now.begin(), weights_now.end());
      product_words.insert(product_words.end(), ids_now.begin(), ids_now.end());
      min_w = std::min(min_w, weight);
    }
    if (entries.size() > first)
      min_entry_weight[pi] = std::max(min_w, 1.0f);
    std::sort(product_words.begin(), product_words.end());
    product_words.erase(std::unique(product_words.begin(), product_words.end()), product_words.end());
    for (uint32_t w : product_words)
      word_product.emplace_back(w, pi);
  }
  entry_begin.push_back(static_cast<uint32_t>(entries.size()));

  vocab_len.resize(vocab.size());
  vocab_numeric.resize(vocab.size());
  for (size_t v = 0; v < vocab.size(); ++v) {
    if (byte_len_present.size() <= vocab[v].size())
      byte_len_present.resize(vocab[v].size() + 1, 0);
    byte_len_present[vocab[v].size()] = 1;
    vocab_len[v] = static_cast<uint16_t>(std::min<size_t>(utf8::length(vocab[v]), UINT16_MAX));
    vocab_numeric[v] = numeric(vocab[v]);
  }
  vocab_skeleton.assign(vocab.size(), UINT32_MAX);
  for (uint32_t v = 0; v < vocab.size(); ++v) {
    std::string sk = consonant_skeleton(vocab[v]);
    if (sk.empty())
      continue;
    auto [it, added] = skeleton_ids.emplace(std::move(sk), static_cast<uint32_t>(skeleton_words.size()));
    if (added)
      skeleton_words.emplace_back();
    vocab_skeleton[v] = it->second;
    skeleton_words[it->second].push_back(v);
  }
  // Pairs of adjacent name words, numbered in (first, second) order.
  std::sort(pair_product.begin(), pair_product.end());
  pair_product.erase(std::unique(pair_product.begin(), pair_product.end()), pair_product.end());
  const uint32_t nv = static_cast<uint32_t>(vocab.size());
  pair_after.assign(nv + 1, 0);
  pair_before.assign(nv + 1, 0);
  for (size_t k = 0; k < pair_product.size(); ++k) {
    uint64_t key = pair_product[k].first;
    if (k == 0 || key != pair_product[k - 1].first) {
      pair_first.push_back(static_cast<uint32_t>(key >> 32));
      pair_second.push_back(static_cast<uint32_t>(key));
    }
    word_product.emplace_back(nv + static_cast<uint32_t>(pair_first.size() - 1),
                              pair_product[k].second);
  }
  for (uint32_t v : pair_first)
    ++pair_after[v + 1];
  for (uint32_t v : pair_second)
    ++pair_before[v + 1];
  for (size_t v = 0; v < nv; ++v) {
    pair_after[v + 1] += pair_after[v];
    pair_before[v + 1] += pair_before[v];
  }
  by_first.resize(pair_first.size());
  by_second.resize(pair_second.size());
  for (uint32_t id = 0; id < pair_first.size(); ++id)
    by_first[id] = id;
  {
    std::vector<uint32_t> at(pair_before.begin(), pair_before.end() - 1);
    for (uint32_t id = 0; id < pair_second.size(); ++id)
      by_second[at[pair_second[id]]++] = id;
  }
  for (uint32_t v = 0; v < nv; ++v) {
    std::sort(by_first.begin() + pair_after[v], by_first.begin() + pair_after[v + 1],
              [&](uint32_t a, uint32_t b) { return vocab_len[pair_second[a]] < vocab_len[pair_second[b]]; });
    std::sort(by_second.begin() + pair_before[v], by_second.begin() + pair_before[v + 1],
              [&](uint32_t a, uint32_t b) { return vocab_len[pair_first[a]] < vocab_len[pair_first[b]]; });
  }
  next_len.resize(by_first.size());
  prev_len.resize(by_second.size());
  for (size_t k = 0; k < by_first.size(); ++k) {
    next_len[k] = vocab_len[pair_second[by_first[k]]];
    prev_len[k] = vocab_len[pair_first[by_second[k]]];
  }
  pair_product = {};
  // Counting sort of (key, product) into per-key product lists; products
  // come in ascending order already.
  const size_t nkeys = vocab.size() + pair_first.size();
  post_begin.assign(nkeys + 1, 0);
  for (const auto& [w, pi] : word_product)
    ++post_begin[w + 1];
  for (size_t v = 0; v < nkeys; ++v)
    post_begin[v + 1] += post_begin[v];
  postings.resize(word_product.size());
  std::vector<uint32_t> fill(post_begin.begin(), post_begin.end() - 1);
  for (const auto& [w, pi] : word_product)
    postings[fill[w]++] = pi;
  lookup = word_lookup(vocab);
  lookup_one = word_lookup(vocab, 1);
  size_t cap = 16;
  while (cap < 2 * vocab.size())
    cap <<= 1;
  exact_slots.assign(cap, UINT32_MAX);
  exact_mask = cap - 1;
  for (uint32_t v = 0; v < nv; ++v) {
    size_t slot = std::hash<std::string_view>{}(vocab[v]) & exact_mask;
    while (exact_slots[slot] != UINT32_MAX)
      slot = (slot + 1) & exact_mask;
    exact_slots[slot] = v;
  }
}

// The vocabulary id of `w`, UINT32_MAX if it is not a word of the catalog.
uint32_t catalog_index::impl::find_word(std::string_view w) const {
  for (size_t slot = std::hash<std::string_view>{}(w) & exact_mask;; slot = (slot + 1) & exact_mask) {
    uint32_t v = exact_slots[slot];
    if (v == UINT32_MAX || vocab[v] == w)
      return v;
  }
}

prepared_query catalog_index::impl::prepare(std::string_view text) const {
  prepared_query q;
  q.terms = analyze_match_text(text);
  q.words = q.terms.words.size();
  q.units = q.terms.words;
  for (size_t i = 0; i + 1 < q.words; ++i)
    q.units.push_back(q.terms.words[i] + q.terms.words[i + 1]);
  for (const auto& u : q.units) {
    q.unit_len.push_back(static_cast<uint16_t>(std::min<size_t>(utf8::length(u), UINT16_MAX)));
    q.unit_numeric.push_back(numeric(u));
    q.patterns.emplace_back(u, /*swaps=*/true);
    const bool word = q.synonym.size() < q.words;
    const std::string& english = word ? english_word_key(u) : std::string{};
    q.synonym.push_back(english.empty() ? UINT32_MAX : find_word(english));
    auto sk = word ? skeleton_ids.find(consonant_skeleton(u)) : skeleton_ids.end();
    q.skeleton.push_back(sk == skeleton_ids.end() ? UINT32_MAX : sk->second);
  }
  for (size_t i = 0; i < q.words; ++i) {
    q.weight.push_back(q.unit_len[i]);
    q.total += q.unit_len[i];
    q.reach += q.unit_len[i] + 2.0;
  }
  return q;
}

float catalog_index::impl::unit_sim(const prepared_query& q, size_t u, uint32_t v) const {
  if (q.unit_numeric[u] || vocab_numeric[v])
    return q.units[u] == vocab[v] ? 1.0f : 0.0f;
  // Other ways than spelling for the word to be this one.
  float beyond_spelling = q.synonym[u] == v ? synonym_similarity : 0.0f;
  if (q.skeleton[u] != UINT32_MAX && q.skeleton[u] == vocab_skeleton[v])
    beyond_spelling = std::max(beyond_spelling, skeleton_similarity);
  size_t la = q.unit_len[u];
  size_t lb = vocab_len[v];
  if (abs_diff(la, lb) > allowed_word_edits(la, lb))
    return beyond_spelling;
  return std::max(beyond_spelling,
                  static_cast<float>(word_similarity(q.patterns[u].distance(vocab[v]), la, lb)));
}

float catalog_index::impl::join_sim(const prepared_query& q, size_t i, uint32_t v1,
                                    uint32_t v2) const {
  if (q.unit_numeric[i] || vocab_numeric[v1] || vocab_numeric[v2] || q.unit_len[i] < 4)
    return 0.0f;
  size_t la = q.unit_len[i];
  size_t lb = size_t{vocab_len[v1]} + vocab_len[v2];
  if (abs_diff(la, lb) > allowed_word_edits(la, lb))
    return 0.0f;
  return static_cast<float>(
      word_similarity(q.patterns[i].distance(vocab[v1], vocab[v2]), la, lb));
}

// Similarities of the query units to vocabulary word v, each computed at
// most once per item: a slot per word met, filled as units ask.
float* catalog_index::impl::sim_slot(const prepared_query& q, uint32_t v) const {
  auto& s = scratch;
  const size_t n = q.units.size();
  if (s.vocab_seen[v] != s.gen) {
    s.vocab_seen[v] = s.gen;
    s.vocab_slot[v] = static_cast<uint32_t>(s.slots++);
    s.sims.resize(s.slots * n);
    s.sims_done.resize(s.slots);
    s.sims_done[s.vocab_slot[v]] = 0;
  }
  return &s.sims[s.vocab_slot[v] * n];
}

float catalog_index::impl::sim_of(const prepared_query& q, size_t u, uint32_t v) const {
  float* out = sim_slot(q, v);
  uint32_t& done = scratch.sims_done[scratch.vocab_slot[v]];
  if (!(done & (1u << u))) {
    out[u] = unit_sim(q, u, v);
    done |= 1u << u;
  }
  return out[u];
}

const float* catalog_index::impl::sims_for(const prepared_query& q, uint32_t v) const {
  float* out = sim_slot(q, v);
  uint32_t& done = scratch.sims_done[scratch.vocab_slot[v]];
  const uint32_t all = (q.units.size() >= 32 ? ~0u : (1u << q.units.size()) - 1);
  if (done != all) {
    for (size_t u = 0; u < q.units.size(); ++u)
      if (!(done & (1u << u)))
        out[u] = unit_sim(q, u, v);
    done = all;
  }
  return out;
}

// join_sim of every item word for the name words v1 v2, computed once per
// item unless the small cache is full there (then recomputed, same values).
const float* catalog_index::impl::join_sims(const prepared_query& q, uint32_t v1,
                                            uint32_t v2) const {
  auto& s = scratch;
  const uint64_t key = (uint64_t{v1} << 32) | v2;
  size_t slot = static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> 52) & (s.pair_slots - 1);
  float* out = &s.pair_sims[slot * max_match_words];
  if (s.pair_gen[slot] == s.gen && s.pair_key[slot] == key)
    return out;
  s.pair_gen[slot] = s.gen;
  s.pair_key[slot] = key;
  for (size_t i = 0; i < q.words; ++i)
    out[i] = join_sim(q, i, v1, v2);
  return out;
}

// Pairs of adjacent name words that item word i, written run together, is
// close to: join_sim > 0, at most two edits from the pair run together. The
// edits split between the two parts of the word, so one part is exact or
// both are within one edit: exact parts are looked up, and the longer part
// within one edit; every pair found there is measured exactly.
void catalog_index::impl::run_together_hits(const prepared_query& q, size_t i,
                                            std::vector<std::pair<uint32_t, float>>& hits) const {
  auto& S = scratch;
  const std::string_view w = q.units[i];
  const uint64_t key = (S.gen << 6) | (i + 1);
  const uint32_t nv = static_cast<uint32_t>(vocab.size());
  auto consider = [&](uint32_t id) {
    if (S.pair_seen[id] == key)
      return;
    S.pair_seen[id] = key;
    float s = join_sim(q, i, pair_first[id], pair_second[id]);
    if (s > 0)
      hits.emplace_back(nv + id, s);
  };
  // Only pairs whose length is within two of the word's can be close.
  const size_t la = q.unit_len[i];
  // `other` (when given) is the rest of the word, which must then be within
  // one edit of the pair's other word (ASCII words; others are measured).
  auto in_range = [&](const std::vector<uint32_t>& ids, const std::vector<uint16_t>& len,
                      uint32_t from, uint32_t to, size_t known, const std::vector<uint32_t>* other_of,
                      const std::string_view* other) {
    const size_t lo = la > known + 2 ? la - known - 2 : 0;
    auto it = std::lower_bound(len.begin() + from, len.begin() + to, lo);
    for (; it != len.begin() + to && *it + known <= la + 2; ++it) {
      const uint32_t id = ids[it - len.begin()];
      if (other) {
        const std::string& ow = vocab[(*other_of)[id]];
        if (ow.size() == *it && !within_one_edit(*other, ow, 1))
          continue;
      }
      consider(id);
    }
  };
  auto after = [&](uint32_t v, const std::string_view* other = nullptr) {
    in_range(by_first, next_len, pair_after[v], pair_after[v + 1], vocab_len[v], &pair_second, other);
  };
  auto before = [&](uint32_t v, const std::string_view* other = nullptr) {
    in_range(by_second, prev_len, pair_before[v], pair_before[v + 1], vocab_len[v], &pair_first, other);
  };
  for (size_t k = 1; k < w.size(); ++k) {
    const std::string_view head = w.substr(0, k);
    const std::string_view tail = w.substr(k);
    if (uint32_t v = find_word(head); v != UINT32_MAX)
      after(v);
    if (uint32_t v = find_word(tail); v != UINT32_MAX)
      before(v);
    // One edit in each part: the longer one (fewer neighbours) is looked up.
    const bool head_longer = head.size() >= tail.size();
    const std::string_view part = head_longer ? head : tail;
    lookup_one.for_each_candidate(part, 1, [&](uint32_t v) {
      if (vocab[v] != part && within_one_edit(part, vocab[v], 1)) {
        // Both parts carry one edit here (an exact part is found above).
        if (head_longer)
          after(v, &tail);
        else
          before(v, &head);
      }
    });
  }
}

double catalog_index::impl::size_factor(const prepared_query& q, uint32_t p) const {
  const pack_measure& ps = sizes[p];
  if (ps.dimension == 0)
    return 1.0;  // loose goods: a written amount is the quantity
  if (!q.terms.sizes.empty()) {
    bool same_dimension = false;
    for (const auto& s : q.terms.sizes) {
      if (same_measure(s, ps))
        return 1.0;
      same_dimension |= s.dimension == ps.dimension;
    }
    return same_dimension ? size_mismatch : 1.0;
  }
  if (!q.terms.numbers.empty()) {
    for (double n : q.terms.numbers)
      if (std::fabs(n - pack_value[p]) <= 1e-9 * std::max(1.0, n))
        return 1.0;
    return number_mismatch;
  }
  return 1.0;
}

scored catalog_index::impl::score_product(const prepared_query& q, uint32_t p) const {
  scored best{p, 0.0, 0};
  const size_t nw = q.words;
  for (uint32_t e = entry_begin[p]; e < entry_begin[p + 1]; ++e) {
    const entry& en = entries[e];
    const uint32_t* tok = &tokens[en.tok_begin];
    const size_t nt = en.tok_count;
    float b[max_match_words] = {};
    float t[max_match_words] = {};
    for (size_t j = 0; j < nt; ++j) {
      const float* s = sims_for(q, tok[j]);
      for (size_t i = 0; i < nw; ++i) {
        b[i] = std::max(b[i], s[i]);
        t[j] = std::max(t[j], s[i]);
      }
      for (size_t i = 0; i + 1 < nw; ++i) {  // two item words written apart, one name word
        float sj = s[nw + i];
        if (sj > 0) {
          b[i] = std::max(b[i], sj);
          b[i + 1] = std::max(b[i + 1], sj);
          t[j] = std::max(t[j], sj);
        }
      }
    }
    for (size_t j = 0; j + 1 < nt; ++j) {  // one item word run together, two name words
      const float* js = join_sims(q, tok[j], tok[j + 1]);
      for (size_t i = 0; i < nw; ++i) {
        float sj = js[i];
        if (sj > 0) {
          b[i] = std::max(b[i], sj);
          t[j] = std::max(t[j], sj);
          t[j + 1] = std::max(t[j + 1], sj);
        }
      }
    }
    double got = 0;
    for (size_t i = 0; i < nw; ++i)
      got += q.weight[i] * b[i];
    double seen = 0;
    const float* tw = &token_weight[en.tok_begin];
    for (size_t j = 0; j < nt; ++j)
      seen += tw[j] * double{covered(t[j])};
    double qcov = got / q.total;
    double ecov = seen / en.weight;
    double s = qcov * name_cover_factor(ecov);
    if (en.sized && q.terms.sizes.empty() && q.terms.numbers.empty())
      s *= unsaid_size;
    if (s > best.score) {
      best.score = s;
      best.source = en.source;
    }
  }
  best.score *= size_factor(q, p);
  return best;
}

std::vector<match_candidate> catalog_index::impl::finish(std::vector<scored>& all, size_t limit,
                                                         double unseen) const {
  std::sort(all.begin(), all.end(), [](const scored& a, const scored& b) {
    return a.score != b.score ? a.score > b.score : a.product < b.product;
  });
  std::vector<match_candidate> out;
  for (size_t k = 0; k < all.size() && k < limit; ++k) {
    double other = k == 0 ? std::max(all.size() > 1 ? all[1].score : 0.0, std::min(unseen, all[0].score))
                          : all[0].score;
    double shortfall = std::clamp(ambiguity_margin - (all[k].score - other), 0.0, ambiguity_margin);
    double s = std::clamp(all[k].score - ambiguity_slope * shortfall, 0.0, 1.0);
    const auto& prod = products[all[k].product];
    out.push_back({all[k].product, s,
                   all[k].source == 0 ? prod.name : prod.aliases[all[k].source - 1]});
  }
  return out;
}

std::vector<match_candidate> catalog_index::impl::match_exhaustive(std::string_view text,
                                                                   size_t limit) const {
  prepared_query q = prepare(text);
  if (q.words == 0 || limit == 0)
    return {};
  scratch.begin(vocab.size(), pair_first.size(), products.size());
  std::vector<scored> all;
  for (uint32_t p = 0; p < products.size(); ++p) {
    scored s = score_product(q, p);
    if (s.score >= min_score)
      all.push_back(s);
  }
  return finish(all, limit);
}

std::vector<match_candidate> catalog_index::impl::match(std::string_view text,
                                                        size_t limit) const {
  prepared_query q = prepare(text);
  if (q.words == 0 || limit == 0)
    return {};
  auto& S = scratch;
  S.begin(vocab.size(), pair_first.size(), products.size());
  const size_t nw = q.words;
  const size_t nu = q.units.size();

  // Vocabulary words near each unit, with their similarity.
  std::vector<std::vector<std::pair<uint32_t, float>>> unit_hits(nu);
  for (size_t u = 0; u < nu; ++u) {
    const uint64_t key = (S.gen << 6) | (u + 1);
    // Four letters or fewer allow one edit against words of up to four, so
    // one deletion on this side finds those; two typos against a longer word
    // would be a weak match at best.
    size_t edits = q.unit_numeric[u] ? 0 : q.unit_len[u] <= 4 ? 1 : word_lookup::max_edits;
    auto hit = [&](uint32_t v) {
      if (S.vocab_unit_seen[v] == key)
        return;
      S.vocab_unit_seen[v] = key;
      float s = sim_of(q, u, v);
      if (s > 0)
        unit_hits[u].emplace_back(v, s);
    };
    // The English word for a Nepali one ("sabun": soap) is a vocabulary word
    // of its own, at any distance.
    if (q.synonym[u] != UINT32_MAX)
      hit(q.synonym[u]);
    // An English word written in Devanagari meets the word with its
    // consonants ("सनफ्लावर": sunflower).
    if (q.skeleton[u] != UINT32_MAX)
      for (uint32_t v : skeleton_words[q.skeleton[u]])
        hit(v);
    if (any_len_within(q.units[u].size(), edits))
      lookup.for_each_candidate(q.units[u], edits, hit);
  }
  // Per item word: what can credit it. Close hits (exact, one typo) and
  // loose ones become two lists, so a word's many loose neighbours ("gagara":
  // sagara, nagara, gagra, ...) are walked only when the close ones leave
  // the answer open.
  struct word_plan {
    std::vector<std::pair<uint32_t, float>> hits;
  };
  std::vector<word_plan> plans(nw);
  for (size_t i = 0; i < nw; ++i) {
    auto& pl = plans[i];
    pl.hits = unit_hits[i];
    if (i > 0)
      pl.hits.insert(pl.hits.end(), unit_hits[nw + i - 1].begin(), unit_hits[nw + i - 1].end());
    if (i + 1 < nw)
      pl.hits.insert(pl.hits.end(), unit_hits[nw + i].begin(), unit_hits[nw + i].end());
    // A run-together word ("waiwai", "tokla gold" as "toklagold") meets
    // pairs of adjacent name words; found through its parts, then scored
    // exactly as score_product does (join_sim).
    if (!q.unit_numeric[i] && q.unit_len[i] >= 4 && q.units[i].size() == q.unit_len[i])
      run_together_hits(q, i, pl.hits);
    std::sort(pl.hits.begin(), pl.hits.end(),
              [](const auto& x, const auto& y) { return x.second > y.second; });
  }
  struct list_plan {
    size_t word = 0;
    bool loose = false;
    std::vector<std::pair<uint32_t, float>> hits;  // best first
    size_t volume = 0;
    float max_sim = 0;
    size_t key = 0;  // walking order
  };
  std::vector<list_plan> lists;
  for (size_t i = 0; i < nw; ++i) {
    auto& hits = plans[i].hits;
    auto loose_at = std::find_if(hits.begin(), hits.end(),
                                 [](const auto& h) { return h.second < 0.85f; });
    size_t close_volume = 0;
    for (auto part : {std::make_pair(hits.begin(), loose_at), std::make_pair(loose_at, hits.end())}) {
      if (part.first == part.second)
        continue;
      list_plan l;
      l.word = i;
      l.loose = part.first == loose_at && loose_at != hits.begin();
      l.hits.assign(part.first, part.second);
      for (const auto& [v, sim] : l.hits) {
        l.volume += post_begin[v + 1] - post_begin[v];
        l.max_sim = std::max(l.max_sim, sim);
      }
      // A word's loose list never goes before its close one.
      l.key = l.loose ? std::max(l.volume, close_volume) : l.volume;
      close_volume = l.volume;
      lists.push_back(std::move(l));
    }
  }
  if (lists.empty())
    return {};
  std::vector<size_t> order(lists.size());
  for (size_t k = 0; k < order.size(); ++k)
    order[k] = k;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const auto& x = lists[a];
    const auto& y = lists[b];
    if (x.key != y.key)
      return x.key < y.key;
    if (x.loose != y.loose)
      return !x.loose;
    return a < b;
  });

  constexpr uint32_t scored_bit = 1u << 31;
  // Walks list l: every product there is reached and credited.
  auto traverse = [&](size_t l) {
    const size_t i = lists[l].word;
    const uint32_t bit = 1u << i;
    for (const auto& [v, s] : lists[l].hits) {
      const float val = static_cast<float>(q.weight[i]) * s;
      for (uint32_t k = post_begin[v]; k < post_begin[v + 1]; ++k) {
        uint32_t p = postings[k];
        auto& st = S.product[p];
        if (st.touched != S.gen) {
          st.touched = S.gen;
          st.words = 0;
          st.acc = 0;
          S.touched.push_back(p);
          S.touched_bits[p >> 6] |= uint64_t{1} << (p & 63);
        }
        if (st.words & bit)
          continue;  // hits come best first: the first one is this word's credit
        st.words |= bit;
        st.acc += val;
      }
    }
  };
  // Credits word i to the products already reached (from `from` on in
  // S.touched) without reaching new ones: a short list is walked, a long one
  // searched for each of those products.
  auto probe = [&](size_t l, size_t from) {
    const size_t i = lists[l].word;
    const uint32_t bit = 1u << i;
    const size_t fresh = S.touched.size() - from;
    if (fresh == 0)
      return;
    for (const auto& [v, s] : lists[l].hits) {
      const float val = static_cast<float>(q.weight[i]) * s;
      const uint32_t* b = &postings[post_begin[v]];
      const uint32_t* e = &postings[post_begin[v + 1]];
      if (static_cast<size_t>(e - b) <= 16 * fresh) {
        for (const uint32_t* it = b; it != e; ++it) {
          if (!(S.touched_bits[*it >> 6] & (uint64_t{1} << (*it & 63))))
            continue;
          auto& st = S.product[*it];
          if (!(st.words & bit)) {
            st.words |= bit;
            st.acc += val;
          }
        }
      } else {
        for (size_t k = from; k < S.touched.size(); ++k) {
          auto& st = S.product[S.touched[k]];
          if (!(st.words & bit) && std::binary_search(b, e, S.touched[k])) {
            st.words |= bit;
            st.acc += val;
          }
        }
      }
    }
  };

  size_t next = 0;
  traverse(order[next++]);
  size_t probed = 0;  // S.touched[0, probed) have every word credited

  std::vector<scored> results;
  std::vector<double> top;  // best scores so far, descending, at most `limit`
  // Scores a product must be able to beat to matter: to become the best or
  // the runner-up that sets the best one's ambiguity penalty, or to enter the
  // `limit` listed (those within list_window of the best, once that many).
  auto threshold = [&] {
    if (top.empty())
      return min_score;
    double s1 = top.front();
    double s2 = top.size() > 1 ? top[1] : -1.0;
    double penalty = std::max(s1 - ambiguity_margin, s2);
    double list = top.size() >= limit ? top[limit - 1] : s1 - list_window;
    return std::max(min_score, std::min(penalty, list));
  };
  auto note = [&](double s) {
    top.insert(std::upper_bound(top.begin(), top.end(), s, std::greater<>()), s);
    if (top.size() > std::max<size_t>(limit, 2))
      top.pop_back();
  };
  size_t scored_count = 0;
  double unseen = 0;  // bound of products left unscored that could matter
  std::vector<std::pair<double, uint32_t>> cand;
  auto by_bound = [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  // Scores candidates best bound first while they can still matter (a heap:
  // usually only a few of many are scored).
  auto score_best = [&] {
    auto worse = [&](const auto& a, const auto& b) { return by_bound(b, a); };
    std::make_heap(cand.begin(), cand.end(), worse);
    while (!cand.empty() && scored_count < max_scored) {
      auto [ub, p] = cand.front();
      double t = threshold();
      // Equal to the bar is enough for the first scores; once products tie
      // at the bar, one more at it cannot change the outcome.
      if (ub < t || (ub <= t && top.size() >= std::max<size_t>(limit, 2)))
        break;
      std::pop_heap(cand.begin(), cand.end(), worse);
      cand.pop_back();
      S.product[p].words |= scored_bit;
      ++scored_count;
      scored s = score_product(q, p);
      if (s.score >= min_score) {
        results.push_back(s);
        note(s.score);
      }
    }
  };
  while (scored_count < max_scored) {
    for (size_t k = next; k < order.size(); ++k)
      probe(order[k], probed);
    probed = S.touched.size();
    // Reached products now carry the credit of every word: their bound is
    // their own. Products not reached can only have the words not walked.
    float word_rest[max_match_words] = {};
    for (size_t k = next; k < order.size(); ++k) {
      const auto& l = lists[order[k]];
      word_rest[l.word] = std::max(word_rest[l.word], l.max_sim);
    }
    double rest = 0;
    for (size_t i = 0; i < nw; ++i)
      rest += q.weight[i] * word_rest[i];
    double thr = threshold();
    cand.clear();
    for (uint32_t p : S.touched) {
      const auto& st = S.product[p];
      if (st.words & scored_bit)
        continue;
      double qc = std::min(1.0, st.acc / q.total);
      double ub = qc * name_cover_factor(std::min(1.0, q.reach / min_entry_weight[p]));
      if (ub >= thr)
        cand.emplace_back(ub, p);
    }
    score_best();
    if (next < order.size() && rest / q.total >= threshold()) {
      if (scored_count >= max_scored)
        unseen = std::max(unseen, rest / q.total);
      traverse(order[next++]);
      continue;
    }
    break;
  }
  // Stopped at max_scored with products left that might beat the runner-up:
  // their bound stands in for it, so the best is never more sure than the
  // exhaustive scan would make it.
  if (scored_count >= max_scored && !cand.empty())
    unseen = std::max(unseen, cand.front().first);
  return finish(results, limit, unseen);
}

catalog_index::catalog_index(std::vector<catalog_product> products)
    : impl_(std::make_unique<impl>(std::move(products))) {}

catalog_index::~catalog_index() = default;

std::vector<match_candidate> catalog_index::match(std::string_view text, size_t limit) const {
  return impl_->match(text, limit);
}

std::vector<match_candidate> catalog_index::match_exhaustive(std::string_view text,
                                                             size_t limit) const {
  return impl_->match_exhaustive(text, limit);
}

const std::vector<catalog_product>& catalog_index::products() const { return impl_->products; }

size_t catalog_index::size() const { return impl_->products.size(); }

}  // namespace khaacho::model
