#include <catch2/catch.hpp>

#include <string>

#include "model/devanagari_translit.hpp"

using namespace khaacho::model;

TEST_CASE("Devanagari is romanized with schwa deletion, conjuncts and signs",
          "[devanagari_translit][model]") {
  auto [deva, roman] = GENERATE(table<std::string, std::string>({
      {"चिनी", "chinii"},
      {"नुन", "nun"},           // final schwa dropped
      {"तेल", "tel"},
      {"चामल", "chaamal"},      // medial schwa kept before a final consonant
      {"नमकिन", "namkin"},      // medial schwa dropped between vowels
      {"सख्खर", "sakhkhar"},    // virama joins the conjunct
      {"ज्ञान", "gyaan"},        // ज्ञ is said gy
      {"क्षेत्र", "kshetr"},
      {"मंसुली", "mansulii"},    // anusvara
      {"चंपा", "champaa"},      // anusvara before a labial
      {"आँप", "aap"},           // chandrabindu dropped
      {"ज़ीरा", "ziiraa"},        // nukta
      {"वाइवाइ चिकेन", "vaaivaai chiken"},
      {"१० केजी", "10 kejii"},  // digits and spaces kept
      {"Sugar चिनी", "Sugar chinii"},
  }));
  CAPTURE(deva);
  CHECK(romanize_devanagari(deva) == roman);
}

TEST_CASE("Romanized spelling variants fold to one key", "[devanagari_translit][model]") {
  auto [a, b] = GENERATE(table<std::string, std::string>({
      {"chini", "cheeni"},
      {"chini", "chinee"},
      {"atta", "aata"},
      {"noodles", "nudles"},
      {"wai", "vai"},
      {"phapar", "fapar"},
      {"khursani", "kursani"},
      {"chicken", "chiken"},
      {"dhaniya", "dhania"},
  }));
  CAPTURE(a, b);
  CHECK(fold_romanized(a) == fold_romanized(b));
}

TEST_CASE("Devanagari and romanized spellings meet after folding", "[devanagari_translit][model]") {
  auto [deva, roman] = GENERATE(table<std::string, std::string>({
      {"चिनी", "chini"},
      {"नुन", "nun"},
      {"तेल", "tel"},
      {"आटा", "aata"},
      {"चिउरा", "chiura"},
      {"भटमास", "bhatmas"},
      {"वाइवाइ", "waiwai"},
  }));
  CAPTURE(deva, roman);
  CHECK(fold_romanized(romanize_devanagari(deva)) == fold_romanized(roman));
}

TEST_CASE("Different words keep different keys", "[devanagari_translit][model]") {
  CHECK(fold_romanized("chini") != fold_romanized("chilli"));
  CHECK(fold_romanized("veg") != fold_romanized("bej"));
}
