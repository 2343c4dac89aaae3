#include <catch2/catch.hpp>

#include <string>

#include "model/grocery_synonyms.hpp"
#include "model/text_folding.hpp"

using namespace khaacho::model;

TEST_CASE("a Nepali word for a kind of goods gives the English word's key, in either script",
          "[model]") {
  auto [written, english] = GENERATE(table<std::string, std::string>({
      {"sabun", "soap"},
      {"saabun", "soap"},
      {"साबुन", "soap"},
      {"tel", "oil"},
      {"तेल", "oil"},
      {"chamal", "rice"},
      {"चामल", "rice"},
      {"chiya", "tea"},
      {"suryamukhi", "sunflower"},
  }));
  CAPTURE(written);
  CHECK(english_word_key(word_key(written)) == word_key(english));
}

TEST_CASE("brands, English words and other words have no English word", "[model]") {
  for (const char* w : {"rara", "dettol", "soap", "oil", "noodles", "wai", "", "5"})
    CHECK(english_word_key(word_key(w)).empty());
}
