#include "model/line_placement.hpp"

#include <algorithm>
#include <tuple>

namespace khaacho::model {

double overlap_share(const line_span& a, const line_span& b) {
  double shorter = std::min(a.bottom - a.top, b.bottom - b.top);
  if (!(shorter > 0))
    return 0;
  double overlap = std::min(a.bottom, b.bottom) - std::max(a.top, b.top);
  return overlap > 0 ? overlap / shorter : 0;
}

std::vector<int> pair_by_position(const std::vector<line_span>& base, const std::vector<line_span>& others,
                                  double min_overlap) {
  std::vector<std::tuple<double, size_t, size_t>> candidates;  // share, other, base
  for (size_t j = 0; j < others.size(); ++j)
    for (size_t i = 0; i < base.size(); ++i)
      if (double share = overlap_share(base[i], others[j]); share >= min_overlap)
        candidates.emplace_back(share, j, i);
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
  std::vector<int> out(others.size(), -1);
  std::vector<bool> taken(base.size(), false);
  for (const auto& [share, j, i] : candidates) {
    if (out[j] != -1 || taken[i])
      continue;
    out[j] = static_cast<int>(i);
    taken[i] = true;
  }
  return out;
}

bool overlaps_any(const line_span& span, const std::vector<line_span>& spans, double min_overlap) {
  return std::any_of(spans.begin(), spans.end(),
                     [&](const line_span& s) { return overlap_share(span, s) >= min_overlap; });
}

}  // namespace khaacho::model
