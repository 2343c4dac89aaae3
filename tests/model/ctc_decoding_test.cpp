#include "model/ctc_decoding.hpp"

#include <catch2/catch.hpp>

using khaacho::model::ctc_greedy_decode;
using khaacho::model::latin_from_cjk_reading;

namespace {

/// One row per step: the class that step votes for gets `p`, the rest share
/// what is left.
std::vector<float> steps_voting(const std::vector<size_t>& classes_per_step, size_t classes, float p) {
  std::vector<float> out;
  for (size_t best : classes_per_step)
    for (size_t k = 0; k < classes; ++k)
      out.push_back(k == best ? p : (1.0f - p) / static_cast<float>(classes - 1));
  return out;
}

}  // namespace

TEST_CASE("greedy CTC decoding collapses repeats and drops blanks", "[model][ctc]") {
  std::vector<std::string> vocab{"a", "b", "1", " "};
  SECTION("a repeated class is one letter; a blank between repeats keeps both") {
    auto probs = steps_voting({1, 1, 0, 1, 2, 2, 0, 0, 3}, 5, 0.9f);
    auto line = ctc_greedy_decode(probs.data(), 9, 5, vocab);
    CHECK(line.text == "aab1");
    CHECK(line.confidence == Approx(0.9));
  }
  SECTION("the space class is a character like any other") {
    auto probs = steps_voting({3, 4, 4, 0, 2}, 5, 0.6f);
    auto line = ctc_greedy_decode(probs.data(), 5, 5, vocab);
    CHECK(line.text == "1 b");
    CHECK(line.confidence == Approx(0.6));
  }
  SECTION("all blanks read nothing, with no confidence") {
    auto probs = steps_voting({0, 0, 0}, 5, 0.99f);
    auto line = ctc_greedy_decode(probs.data(), 3, 5, vocab);
    CHECK(line.text.empty());
    CHECK(line.confidence == 0.0);
  }
  SECTION("classes past the vocabulary are skipped, not read out of bounds") {
    auto probs = steps_voting({1, 6, 2}, 7, 0.8f);
    auto line = ctc_greedy_decode(probs.data(), 3, 7, vocab);
    CHECK(line.text == "ab");
  }
  SECTION("the confidence is the mean of the kept characters' probabilities") {
    std::vector<float> probs{0.1f, 0.9f, 0.0f, 0.0f, 0.0f,   // a at 0.9
                             0.2f, 0.0f, 0.5f, 0.3f, 0.0f,   // b at 0.5
                             0.9f, 0.1f, 0.0f, 0.0f, 0.0f};  // blank
    auto line = ctc_greedy_decode(probs.data(), 3, 5, vocab);
    CHECK(line.text == "ab");
    CHECK(line.confidence == Approx(0.7));
  }
}

TEST_CASE("a reading by a Chinese-trained model becomes Latin text or nothing", "[model][ctc]") {
  CHECK(latin_from_cjk_reading("4\xEF\xBC\x89TOKLA\xEF\xBC\x9A 5\xE3\x80\x80pkt") == "4)TOKLA: 5 pkt");
  CHECK(latin_from_cjk_reading("\xE3\x80\x90Rara\xE3\x80\x91 \xC3\x97 2") == "(Rara) x 2");
  CHECK(latin_from_cjk_reading("  Wai   Wai  ") == "Wai Wai");
  // An ideograph is a stroke the model could not read as a Latin letter.
  CHECK(latin_from_cjk_reading("Parle \xE4\xB8\xAD 20").empty());
  CHECK(latin_from_cjk_reading("\xE3\x81\x82").empty());
  // Other scripts are kept as they are (the caller decides what to trust).
  CHECK(latin_from_cjk_reading("caf\xC3\xA9") == "caf\xC3\xA9");
  // Broken UTF-8 does not read past the end.
  CHECK(latin_from_cjk_reading(std::string("ab\xE4", 3)) == "ab\xEF\xBF\xBD");
}
