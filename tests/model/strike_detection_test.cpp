#include <catch2/catch.hpp>

#include "model/strike_detection.hpp"

using namespace khaacho::model;

namespace {

/// A line region 40 px high: words are solid blocks of "letters" (vertical
/// strokes 3 px wide, 3 px apart, in the x-height rows 14..33), as a
/// binarizer sees handwriting closely enough for what is tested here.
struct page {
  ink_grid grid;
  line_box line;

  explicit page(int width) {
    grid.width = width;
    grid.height = 40;
    grid.ink.assign(static_cast<size_t>(width) * 40, 0);
    line.top = 0;
    line.bottom = 39;
  }

  void set(int x, int y) {
    if (x >= 0 && x < grid.width && y >= 0 && y < grid.height)
      grid.ink[static_cast<size_t>(y) * static_cast<size_t>(grid.width) + static_cast<size_t>(x)] = 1;
  }

  void word(int left, int right) {
    for (int x = left; x <= right; ++x)
      if ((x - left) % 6 < 3)
        for (int y = 14; y <= 33; ++y)
          set(x, y);
    line.words.push_back({left, right});
  }

  /// A pen line 3 px thick from (x0, y0) to (x1, y1).
  void stroke(int x0, int y0, int x1, int y1) {
    for (int x = x0; x <= x1; ++x) {
      int y = y0 + (y1 - y0) * (x - x0) / std::max(1, x1 - x0);
      for (int t = -1; t <= 1; ++t)
        set(x, y + t);
    }
  }

  bool struck() const { return is_struck_through(grid, line); }
};

page three_words() {
  page p{600};
  p.word(40, 160);
  p.word(190, 300);
  p.word(330, 560);
  return p;
}

}  // namespace

TEST_CASE("a line with no stroke through it is not struck", "[model]") {
  CHECK_FALSE(three_words().struck());
}

TEST_CASE("a level stroke through the middle of the words strikes the line", "[model]") {
  auto p = three_words();
  p.stroke(30, 24, 570, 24);
  CHECK(p.struck());
}

TEST_CASE("a slanted, broken pen stroke still strikes the line", "[model]") {
  auto p = three_words();
  p.stroke(35, 30, 300, 22);
  p.stroke(302, 22, 565, 17);  // a 2 px skip where the pen lifted
  CHECK(p.struck());
}

TEST_CASE("a stroke over only part of the text does not strike the line", "[model]") {
  auto p = three_words();
  p.stroke(30, 24, 200, 24);  // the first word and a little of the gap
  CHECK_FALSE(p.struck());
}

TEST_CASE("headlines, underlines and ruled lines are not strikes", "[model]") {
  SECTION("a Devanagari headline over each word, above the middle") {
    auto p = three_words();
    for (const auto& w : std::vector<word_span>{{40, 160}, {190, 300}, {330, 560}})
      p.stroke(w.left, 12, w.right, 12);
    CHECK_FALSE(p.struck());
  }
  SECTION("one headline joined across the whole phrase, above the middle") {
    auto p = three_words();
    p.stroke(40, 12, 560, 12);
    CHECK_FALSE(p.struck());
  }
  SECTION("an underline below the letters") {
    auto p = three_words();
    p.stroke(30, 37, 570, 37);
    CHECK_FALSE(p.struck());
  }
  SECTION("a ruled line of the paper through the letters, running on past them") {
    auto p = three_words();
    p.stroke(0, 30, 599, 30);
    CHECK_FALSE(p.struck());
  }
  SECTION("a dash between two words") {
    auto p = three_words();
    p.stroke(165, 24, 185, 24);
    CHECK_FALSE(p.struck());
  }
}

TEST_CASE("a single long word struck through is struck; a short one's own strokes are not",
          "[model]") {
  page p{400};
  p.word(40, 360);
  CHECK_FALSE(p.struck());
  p.stroke(30, 24, 370, 24);
  CHECK(p.struck());

  page small{200};
  small.word(40, 140);  // 100 px: under four line heights
  small.stroke(35, 24, 145, 24);
  CHECK_FALSE(small.struck());
}

TEST_CASE("degenerate grids and lines are never struck", "[model]") {
  ink_grid empty;
  CHECK_FALSE(is_struck_through(empty, line_box{0, 10, {{0, 5}}}));
  auto p = three_words();
  p.stroke(30, 24, 570, 24);
  auto no_words = p.line;
  no_words.words.clear();
  CHECK_FALSE(is_struck_through(p.grid, no_words));
  auto flat = p.line;
  flat.bottom = flat.top + 2;
  CHECK_FALSE(is_struck_through(p.grid, flat));
}
