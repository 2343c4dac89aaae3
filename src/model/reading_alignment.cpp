#include "model/reading_alignment.hpp"

#include <algorithm>

#include "model/myers_distance.hpp"
#include "model/unit_words.hpp"

namespace khaacho::model {

namespace {

/// `text` without spaces, ASCII letters lower-cased: readings differ most in
/// where they see word gaps and capitals, least in the letters.
std::string letters_of(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text)
    if (c != ' ' && c != '\t')
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

}  // namespace

double line_similarity(const std::string& a, const std::string& b) {
  std::string x = letters_of(a);
  std::string y = letters_of(b);
  // Counted as levenshtein counts (an invalid byte is one code point), so the
  // distance never exceeds the longer length on any input.
  size_t longer = std::max(utf8::length(x), utf8::length(y));
  if (longer == 0)
    return 1.0;
  return 1.0 - static_cast<double>(levenshtein(x, y)) / static_cast<double>(longer);
}

namespace {

/// Index into `other` paired with each line of `base`, or -1.
std::vector<int> pair_lines(const std::vector<ocr_line>& base, const std::vector<ocr_line>& other,
                            double min_similarity) {
  size_t n = base.size(), m = other.size();
  std::vector<double> sim(n * m, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < m; ++j)
      sim[i * m + j] = line_similarity(base[i].text, other[j].text);
  auto pairable = [&](size_t i, size_t j) { return sim[i * m + j] >= min_similarity; };
  // best[i][j]: the largest summed similarity aligning base[0..i) with other[0..j).
  std::vector<double> best((n + 1) * (m + 1), 0.0);
  auto at = [&](size_t i, size_t j) -> double& { return best[i * (m + 1) + j]; };
  for (size_t i = 1; i <= n; ++i)
    for (size_t j = 1; j <= m; ++j) {
      double v = std::max(at(i - 1, j), at(i, j - 1));
      if (pairable(i - 1, j - 1))
        v = std::max(v, at(i - 1, j - 1) + sim[(i - 1) * m + (j - 1)]);
      at(i, j) = v;
    }
  std::vector<int> out(n, -1);
  for (size_t i = n, j = m; i > 0 && j > 0;) {
    if (pairable(i - 1, j - 1) && at(i, j) == at(i - 1, j - 1) + sim[(i - 1) * m + (j - 1)]) {
      out[i - 1] = static_cast<int>(j - 1);
      --i;
      --j;
    } else if (at(i, j) == at(i - 1, j)) {
      --i;
    } else {
      --j;
    }
  }
  return out;
}

}  // namespace

std::vector<std::vector<ocr_line>> align_readings(const std::vector<std::vector<ocr_line>>& readings,
                                                  double min_similarity) {
  std::vector<std::vector<ocr_line>> out;
  if (readings.empty())
    return out;
  const auto& base = readings.front();
  for (const auto& line : base)
    out.push_back({line});
  for (size_t r = 1; r < readings.size(); ++r) {
    auto pairs = pair_lines(base, readings[r], min_similarity);
    for (size_t i = 0; i < base.size(); ++i)
      if (pairs[i] >= 0)
        out[i].push_back(readings[r][static_cast<size_t>(pairs[i])]);
  }
  return out;
}

}  // namespace khaacho::model
