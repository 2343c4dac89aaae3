#include <catch2/catch.hpp>

#include <string>

#include "model/match_terms.hpp"
#include "model/text_folding.hpp"

using namespace khaacho::model;

TEST_CASE("fold_text lower-cases, strips diacritics and punctuation, splits digits from letters",
          "[text_folding][model]") {
  auto [in, out] = GENERATE(table<std::string, std::string>({
      {"Lay's Magic-Masala", "lays magic masala"},
      {"WAI-WAI CHICKEN", "wai wai chicken"},
      {"Café Crème", "cafe creme"},
      {"500ml", "500 ml"},
      {"Fanta 2.25 LTR", "fanta 2.25 ltr"},
      {"२ बोरा चिनी", "2 बोरा चिनी"},
      {"sugarचिनी", "sugar चिनी"},
      {"  (Chini)  ", "chini"},
      {"Hit & Run", "hit run"},
  }));
  CAPTURE(in);
  CHECK(fold_text(in) == out);
}

TEST_CASE("fold_tokens marks a token glued to the one before it", "[text_folding][model]") {
  auto t = fold_tokens("75g 2 pm");
  REQUIRE(t.size() == 4);
  CHECK(t[1].text == "g");
  CHECK(t[1].glued);
  CHECK_FALSE(t[3].glued);
}

TEST_CASE("word_key makes Devanagari and romanized variants equal", "[text_folding][model]") {
  CHECK(word_key("चिनी") == word_key("cheeni"));
  CHECK(word_key("नुन") == word_key("nun"));
  CHECK(word_key("75") == "75");
}

TEST_CASE("an English word written in Devanagari keeps its consonant skeleton",
          "[text_folding][model]") {
  CHECK(consonant_skeleton(word_key("sunflower")) == "snplvr");
  CHECK(consonant_skeleton(word_key("सनफ्लावर")) == "snplvr");
  CHECK(consonant_skeleton(word_key("horlicks")) == consonant_skeleton(word_key("हर्लिक्स")));
  // Fewer than four consonants say too little; numbers and other scripts none.
  CHECK(consonant_skeleton(word_key("tel")).empty());
  CHECK(consonant_skeleton(word_key("parle")).empty());
  CHECK(consonant_skeleton("250").empty());
  CHECK(consonant_skeleton("snplvr ").empty());
}

TEST_CASE("analyze_match_text separates words, sizes, quantities and bare numbers",
          "[text_folding][model]") {
  auto t = analyze_match_text("Wai Wai Chicken 75g x 20 packets");
  CHECK(t.words == std::vector<std::string>{word_key("wai"), word_key("wai"), word_key("chicken")});
  REQUIRE(t.sizes.size() == 1);
  CHECK(t.sizes[0].dimension == 'm');
  CHECK(t.sizes[0].amount == Approx(75));
  CHECK(t.numbers.empty());  // "20 packets" is a quantity

  auto l = analyze_match_text("Dhara 1 Ltr");
  REQUIRE(l.sizes.size() == 1);
  CHECK(same_measure(l.sizes[0], *make_measure(1000, "ml")));

  auto n = analyze_match_text("Parle G 250");
  CHECK(n.numbers == std::vector<double>{250});

  auto glued = analyze_match_text("2PM chicken");
  CHECK(glued.words.front() == "2");  // part of the brand, not a number
}
