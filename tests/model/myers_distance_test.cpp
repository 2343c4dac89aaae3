#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "model/myers_distance.hpp"
#include "model/unit_words.hpp"

using namespace khaacho::model;

namespace {

// The textbook O(nm) dynamic programme over code points: the reference.
// With `swaps`, two neighbours written in the other order cost one edit
// (optimal string alignment: no symbol is edited twice).
size_t dp_distance(std::string_view a, std::string_view b, bool swaps) {
  std::vector<char32_t> x, y;
  for (size_t p = 0; p < a.size();)
    x.push_back(utf8::next(a, p));
  for (size_t p = 0; p < b.size();)
    y.push_back(utf8::next(b, p));
  std::vector<std::vector<size_t>> d(x.size() + 1, std::vector<size_t>(y.size() + 1));
  for (size_t i = 0; i <= x.size(); ++i)
    d[i][0] = i;
  for (size_t j = 0; j <= y.size(); ++j)
    d[0][j] = j;
  for (size_t i = 1; i <= x.size(); ++i)
    for (size_t j = 1; j <= y.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1)});
      if (swaps && i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[x.size()][y.size()];
}

size_t dp_levenshtein(std::string_view a, std::string_view b) { return dp_distance(a, b, false); }
size_t dp_osa(std::string_view a, std::string_view b) { return dp_distance(a, b, true); }

std::string random_text(std::mt19937& rng, size_t len, bool unicode) {
  // A small alphabet makes matches (and so the interesting cases) frequent.
  static const char* symbols[] = {"a", "b", "c", "d", "e", "चि", "नी", "é", "ु"};
  std::string s;
  size_t n = unicode ? 9 : 5;
  for (size_t i = 0; i < len; ++i)
    s += symbols[rng() % n];
  return s;
}

}  // namespace

TEST_CASE("Myers distance equals the DP Levenshtein on known pairs", "[myers_distance][model]") {
  auto [a, b, d] = GENERATE(table<std::string, std::string, size_t>({
      {"", "", 0},
      {"", "abc", 3},
      {"kitten", "sitting", 3},
      {"suger", "sugar", 1},
      {"chini", "cheeni", 2},
      {"चिनी", "चीनी", 1},
      {"wai wai", "waiwai", 1},
  }));
  CAPTURE(a, b);
  CHECK(levenshtein(a, b) == d);
  CHECK(myers_pattern(a).distance(b) == d);
  CHECK(myers_pattern(b).distance(a) == d);
}

TEST_CASE("Myers distance equals the DP Levenshtein on random strings, short, long and UTF-8",
          "[myers_distance][model]") {
  std::mt19937 rng{42};
  for (int round = 0; round < 600; ++round) {
    bool unicode = round % 3 == 0;
    // Lengths straddle one machine word (64) and several (up to 200).
    size_t la = rng() % (round % 2 ? 200 : 70);
    size_t lb = rng() % (round % 2 ? 200 : 70);
    std::string a = random_text(rng, la, unicode);
    std::string b = random_text(rng, lb, unicode);
    CAPTURE(a, b);
    size_t want = dp_levenshtein(a, b);
    REQUIRE(myers_pattern(a).distance(b) == want);
    REQUIRE(levenshtein(a, b) == want);
  }
}

TEST_CASE("distance to a text in two pieces equals distance to the joined text",
          "[myers_distance][model]") {
  std::mt19937 rng{7};
  for (int round = 0; round < 200; ++round) {
    std::string a = random_text(rng, rng() % 90, round % 2);
    std::string h = random_text(rng, rng() % 40, round % 2);
    std::string t = random_text(rng, rng() % 40, round % 2);
    CAPTURE(a, h, t);
    REQUIRE(myers_pattern(a).distance(h, t) == dp_levenshtein(a, h + t));
  }
}

TEST_CASE("with swaps, neighbours written in the other order cost one edit",
          "[myers_distance][model]") {
  auto [a, b, d] = GENERATE(table<std::string, std::string, size_t>({
      {"matar", "matra", 1},
      {"gate", "gtae", 1},
      {"ab", "ba", 1},
      {"abc", "ca", 3},  // no symbol is edited twice
      {"मटर", "मरट", 1},
      {"kitten", "sitting", 3},
  }));
  CAPTURE(a, b);
  CHECK(myers_pattern(a, true).distance(b) == d);
  CHECK(myers_pattern(b, true).distance(a) == d);
  CHECK(myers_pattern(a).distance(b) == dp_levenshtein(a, b));
}

TEST_CASE("with swaps, the distance equals the DP optimal string alignment on random strings",
          "[myers_distance][model]") {
  std::mt19937 rng{11};
  for (int round = 0; round < 600; ++round) {
    bool unicode = round % 3 == 0;
    // At most 64 code points (a symbol may be two): the length swaps apply to.
    std::string a = random_text(rng, rng() % 33, unicode);
    std::string b = random_text(rng, rng() % 70, unicode);
    CAPTURE(a, b);
    REQUIRE(myers_pattern(a, true).distance(b) == dp_osa(a, b));
    // Also with the text in two pieces (cut on a symbol boundary): a swap
    // across the cut still counts once.
    size_t cut = 0;
    while (cut < b.size() / 2)
      (void)utf8::next(b, cut);
    REQUIRE(myers_pattern(a, true).distance(b.substr(0, cut), b.substr(cut)) == dp_osa(a, b));
  }
}
