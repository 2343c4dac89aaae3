// Turns the per-time-step character probabilities of a CTC line recognizer
// (the PP-OCR line model) into text. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "model/line_confidence.hpp"

namespace khaacho::model {

/// Greedy CTC decoding of `steps` rows of `classes` probabilities each
/// (row-major): the most likely class per step, repeats collapsed, class 0
/// (the CTC blank) dropped; class k > 0 is `vocabulary[k - 1]`. The
/// confidence is the mean probability of the characters kept (0 when none).
/// Classes beyond the vocabulary are skipped.
///
/// A model trained mostly on Chinese seldom makes the space its best guess,
/// but does give it some probability over the gap between two words: when
/// `gap_space_probability` > 0 and the vocabulary has " ", a space is put
/// between two characters whenever the steps between them (blanks, and the
/// first step of the next character) give the space at least that much.
ocr_line ctc_greedy_decode(const float* probabilities, size_t steps, size_t classes,
                           const std::vector<std::string>& vocabulary, float gap_space_probability = 0);

/// A line read by a model trained mostly on Chinese, as Latin text:
/// full-width forms (U+FF01..U+FF5E), ideographic punctuation and the
/// ideographic space become their ASCII look-alikes, spaces are collapsed
/// and trimmed. Empty when a CJK ideograph or kana remains: on an order
/// list that is a stroke the model could not read, and a reading that
/// drops it silently would look surer than it is.
std::string latin_from_cjk_reading(const std::string& text);

}  // namespace khaacho::model
