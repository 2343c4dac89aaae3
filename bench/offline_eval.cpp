// Stages 2 and 3 without the server: reads OCR dumps (ocr_bench --dump),
// extracts items with the built-in rules, flags doubtful lines, matches each
// item to a catalog and writes what GET /api/orders/uploads/{id} would show,
// in the shape ../shared/eval/score.py reads. Lets OCR and extraction changes
// be scored end to end in seconds instead of a server run.
// Usage: offline_eval CATALOG_DIR OCR_DUMP_DIR[,DIR2...] OUT.json [--min-line-confidence X]
//        [--auto-match X] [--review X]
// With several dump folders (readings of the same pages), each line is taken
// from the reading whose item fits the catalog best (a trial of per-line
// selection across readings).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/json_writer.hpp"
#include "model/catalog_index.hpp"
#include "model/catalog_records.hpp"
#include "model/item_cleaning.hpp"
#include "model/item_extraction.hpp"
#include "model/item_normalization.hpp"
#include "model/line_confidence.hpp"
#include "model/myers_distance.hpp"

namespace fs = std::filesystem;
using namespace khaacho;
using namespace khaacho::model;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

std::vector<catalog_product> load_catalog(const fs::path& dir) {
  auto parsed = parse_products(read_file(dir / "products.csv"));
  for (const auto& e : parsed.errors)
    std::fprintf(stderr, "%s\n", e.c_str());
  std::vector<catalog_product> out;
  for (auto& r : parsed.records) {
    catalog_product p;
    p.id = r.id;
    p.sku = r.sku;
    p.name = r.name;
    p.unit = r.unit;
    if (r.pack) {
      p.pack_size_value = r.pack->value;
      p.pack_size_unit = r.pack->unit;
    }
    p.category = r.category;
    p.aliases = r.aliases;
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<ocr_line> read_lines(const fs::path& tsv) {
  std::vector<ocr_line> lines;
  std::ifstream in{tsv};
  std::string row;
  while (std::getline(in, row)) {
    auto tab = row.find('\t');
    if (tab != std::string::npos)
      lines.push_back({row.substr(tab + 1), std::atof(row.substr(0, tab).c_str())});
  }
  return lines;
}

/// How well one OCR line reads as an order item: the best match confidence
/// of what the rules extract from it, 0 when nothing.
double line_fit(const std::string& text, const catalog_index& index, const match_thresholds& t) {
  double best = 0;
  for (const auto& item : clean_items(extract_items(text))) {
    auto n = normalize_item(item, index, t);
    if (n.product)
      best = std::max(best, n.confidence);
  }
  return best;
}

double line_similarity(const std::string& a, const std::string& b) {
  size_t n = std::max(a.size(), b.size());
  return n == 0 ? 1.0 : 1.0 - static_cast<double>(levenshtein(a, b)) / static_cast<double>(n);
}

/// For each line of `base`, the index of the line of `other` it pairs with
/// (monotone alignment maximizing the summed similarity), or -1.
std::vector<int> align(const std::vector<ocr_line>& base, const std::vector<ocr_line>& other) {
  size_t n = base.size(), m = other.size();
  std::vector<std::vector<double>> best(n + 1, std::vector<double>(m + 1, 0));
  std::vector<std::vector<double>> sim(n, std::vector<double>(m, 0));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < m; ++j)
      sim[i][j] = line_similarity(base[i].text, other[j].text);
  for (size_t i = 1; i <= n; ++i)
    for (size_t j = 1; j <= m; ++j) {
      double pair = sim[i - 1][j - 1] >= 0.4 ? best[i - 1][j - 1] + sim[i - 1][j - 1] : -1;
      best[i][j] = std::max({best[i - 1][j], best[i][j - 1], pair});
    }
  std::vector<int> out(n, -1);
  for (size_t i = n, j = m; i > 0 && j > 0;) {
    if (sim[i - 1][j - 1] >= 0.4 && best[i][j] == best[i - 1][j - 1] + sim[i - 1][j - 1]) {
      out[i - 1] = static_cast<int>(j - 1);
      --i, --j;
    } else if (best[i][j] == best[i - 1][j]) {
      --i;
    } else {
      --j;
    }
  }
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: offline_eval CATALOG_DIR OCR_DUMP_DIR OUT.json [--min-line-confidence X]"
                         " [--auto-match X] [--review X]\n");
    return 2;
  }
  double min_line_confidence = 0.6;
  match_thresholds thresholds;
  for (int i = 4; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--min-line-confidence"))
      min_line_confidence = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--auto-match"))
      thresholds.auto_match = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--review"))
      thresholds.review = std::atof(argv[i + 1]);
  }
  catalog_index index{load_catalog(argv[1])};
  auto dirs = split(argv[2], ',');
  std::vector<fs::path> texts;
  for (const auto& e : fs::directory_iterator{dirs[0]})
    if (e.path().extension() == ".txt")
      texts.push_back(e.path());
  std::sort(texts.begin(), texts.end());

  json_object results;
  for (const auto& path : texts) {
    auto tsv = path;
    tsv.replace_extension(".lines.tsv");
    auto lines = read_lines(tsv);
    std::string text = read_file(path);
    if (dirs.size() > 1) {
      std::vector<std::vector<ocr_line>> readings{lines};
      for (size_t d = 1; d < dirs.size(); ++d)
        readings.push_back(read_lines(fs::path{dirs[d]} / tsv.filename()));
      std::vector<std::vector<int>> pairs;
      for (const auto& r : readings)
        pairs.push_back(align(lines, r));
      text.clear();
      for (size_t i = 0; i < lines.size(); ++i) {
        ocr_line chosen = lines[i];
        double best_fit = -1;
        for (size_t r = 0; r < readings.size(); ++r) {
          if (pairs[r][i] < 0)
            continue;
          const auto& cand = readings[r][static_cast<size_t>(pairs[r][i])];
          double fit = line_fit(cand.text, index, thresholds) + 0.1 * cand.confidence;
          if (fit > best_fit) {
            best_fit = fit;
            chosen = cand;
          }
        }
        lines[i] = chosen;
        text += chosen.text + "\n";
      }
    }
    auto items = clean_items(extract_items(text));
    flag_low_confidence_items(items, lines, min_line_confidence);
    json_array rows;
    bool flagged = false;
    for (const auto& item : items) {
      auto n = normalize_item(item, index, thresholds);
      flagged = flagged || n.needs_review;
      json_object row;
      row.add("rawName", item.name)
        .add("quantity", item.quantity)
        .add("confidence", n.confidence)
        .add("needsReview", n.needs_review);
      row.add_or_null("unit", n.unit)
        .add_or_null("productId", n.product ? index.products()[*n.product].id : std::string{})
        .add_or_null("productName", n.product ? index.products()[*n.product].name : std::string{})
        .add_or_null("reviewReason", n.review_reason);
      rows.add_raw(row.str());
    }
    json_object order;
    order.add("status", flagged ? "PENDING_REVIEW" : "COMPLETED").add_raw("items", rows.str());
    results.add_raw(path.stem().string(), order.str());
  }
  std::ofstream{argv[3]} << results.str() << '\n';
  std::fprintf(stderr, "%zu orders written to %s\n", texts.size(), argv[3]);
  return 0;
}
