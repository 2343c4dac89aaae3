// Pairs the lines of two readings of one page by where they are, not by what
// they say: two engines that both misread a line still see it at the same
// height. Pure.
#pragma once

#include <vector>

namespace khaacho::model {

/// A line's vertical extent, as shares of its page's height (0 top, 1 bottom),
/// so readings of one photo at different scales compare.
struct line_span {
  double top = 0;
  double bottom = 0;
};

/// How much two spans overlap vertically, as a share of the shorter one (0
/// when either is empty). Scale-free: spans in pixels compare the same way.
double overlap_share(const line_span& a, const line_span& b);

/// For each of `others`, the index of the line of `base` it is paired with,
/// or -1. Two lines pair when they overlap vertically by at least
/// `min_overlap` of the shorter one; each line pairs at most once, the
/// pairs with the largest overlap first (ties: the earlier `others`).
std::vector<int> pair_by_position(const std::vector<line_span>& base, const std::vector<line_span>& others,
                                  double min_overlap = 0.5);

/// Whether `span` overlaps any of `spans` by at least `min_overlap` of the
/// shorter of the two.
bool overlaps_any(const line_span& span, const std::vector<line_span>& spans, double min_overlap = 0.5);

}  // namespace khaacho::model
