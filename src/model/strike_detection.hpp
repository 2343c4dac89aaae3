// Tells a crossed-out line from a written one, from the ink of the line's
// region: a retailer who strikes an item off the list does not want it, and
// the OCR engine reads the struck words as if they stood. Pure: the caller
// hands over the binarized pixels and the engine's word boxes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace khaacho::model {

/// A binarized rectangle of the page: `ink[y * width + x]` is non-zero
/// where the pixel is dark.
struct ink_grid {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> ink;

  bool at(int x, int y) const {
    return ink[static_cast<std::size_t>(y) * static_cast<std::size_t>(width)
               + static_cast<std::size_t>(x)] != 0;
  }
};

/// Horizontal extent [left, right] of a word, in the grid's columns.
struct word_span {
  int left = 0;
  int right = 0;
};

/// The line as the engine found it, in the grid's coordinates. The grid
/// should reach about a line height beyond the text on either side, so a
/// ruled line of the paper (which runs on past the text) can be told from a
/// stroke through the words (which ends near them).
struct line_box {
  int top = 0;
  int bottom = 0;  ///< inclusive
  std::vector<word_span> words;  ///< left to right
};

/// True when one stroke of ink runs through the middle of the line's letters
/// across most of its text: from before a gap between two words to after it,
/// over at least 60 % of the text's width (a single word: 80 % and four line
/// heights), with ink in at least 85 % of its columns. The stroke may rise or
/// fall a pixel per column (a pen line is seldom level) and skip a few
/// pixels (ink and JPEG break it). Not struck:
/// a Devanagari headline (above the middle, and it stops at each word's
/// end), an underline (below the letters), a ruled line of the paper (runs
/// past both ends of the text to the grid's edges), dashes between words.
bool is_struck_through(const ink_grid& grid, const line_box& line);

}  // namespace khaacho::model
