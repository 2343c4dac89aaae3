#include "model/strike_detection.hpp"

#include <algorithm>

namespace khaacho::model {

namespace {

/// Columns a stroke may skip: pen skips and JPEG breaks, far narrower than
/// the space between two words.
constexpr int max_skip = 3;

struct trace {
  int start = -1;  ///< first column of the stroke reaching this row, -1 none
  int last = -1;   ///< its last inked column
  int inked = 0;   ///< columns with ink on the way
};

/// For each start column, the furthest a stroke from it reached, following
/// ink within rows [top, bottom] that moves at most one row per column and
/// skips at most `max_skip` columns.
std::vector<trace> stroke_ends(const ink_grid& grid, int top, int bottom) {
  std::vector<trace> furthest(static_cast<size_t>(grid.width));
  auto rows = static_cast<size_t>(bottom - top + 1);
  std::vector<trace> prev(rows);
  std::vector<trace> cur(rows);
  for (int x = 0; x < grid.width; ++x) {
    for (size_t r = 0; r < rows; ++r) {
      int y = top + static_cast<int>(r);
      if (!grid.at(x, y)) {
        cur[r] = prev[r];  // a skip keeps the stroke, if it is short
        if (cur[r].start >= 0 && x - cur[r].last > max_skip)
          cur[r] = trace{};
        continue;
      }
      // Join the earliest-starting stroke that reaches this pixel from the
      // same row or a neighbouring one.
      trace best{x, x, 0};
      for (size_t n = r == 0 ? 0 : r - 1; n <= std::min(rows - 1, r + 1); ++n) {
        const auto& t = prev[n];
        if (t.start >= 0 && x - t.last <= max_skip + 1
            && (t.start < best.start || (t.start == best.start && t.inked > best.inked)))
          best = t;
      }
      best.last = x;
      ++best.inked;
      cur[r] = best;
      auto& end = furthest[static_cast<size_t>(best.start)];
      if (end.start < 0 || x > end.last || (x == end.last && best.inked > end.inked))
        end = best;
    }
    std::swap(prev, cur);
  }
  return furthest;
}

}  // namespace

bool is_struck_through(const ink_grid& grid, const line_box& line) {
  if (grid.width <= 0 || grid.height <= 0 || line.words.empty())
    return false;
  int height = line.bottom - line.top + 1;
  if (height < 4)
    return false;
  // The middle of the letters: below a Devanagari headline and the tops of
  // Latin x-height letters, above an underline.
  int top = std::clamp(line.top + height * 38 / 100, 0, grid.height - 1);
  int bottom = std::clamp(line.top + height * 85 / 100, 0, grid.height - 1);
  if (bottom < top)
    return false;
  int text_left = line.words.front().left;
  int text_right = line.words.back().right;
  int extent = text_right - text_left + 1;
  if (extent <= 0)
    return false;
  auto furthest = stroke_ends(grid, top, bottom);
  for (int start = 0; start < grid.width; ++start) {
    const auto& stroke = furthest[static_cast<size_t>(start)];
    if (stroke.start < 0)
      continue;
    int end = stroke.last;
    int length = end - start + 1;
    // A pen line is ink nearly all along; letters with small gaps between
    // them, which the skips would join into a "stroke", are not.
    if (stroke.inked * 100 < length * 85)
      continue;
    // A rule of the paper runs on to both edges of the grid.
    if (start <= max_skip && end >= grid.width - 1 - max_skip)
      continue;
    if (line.words.size() == 1) {
      if (length * 10 >= extent * 8 && length >= 4 * height)
        return true;
      continue;
    }
    if (length * 10 < extent * 6)
      continue;
    for (size_t w = 0; w + 1 < line.words.size(); ++w) {
      int gap_left = line.words[w].right;
      int gap_right = line.words[w + 1].left;
      if (gap_right - gap_left > max_skip + 1 && start <= gap_left && end >= gap_right)
        return true;
    }
  }
  return false;
}

}  // namespace khaacho::model
