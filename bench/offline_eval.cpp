// Stages 2 and 3 without the server: reads OCR dumps (ocr_bench --dump),
// extracts items with the built-in rules, flags doubtful lines, matches each
// item to a catalog and writes what GET /api/orders/uploads/{id} would show,
// in the shape ../shared/eval/score.py reads. Lets OCR and extraction changes
// be scored end to end in seconds instead of a server run.
// Usage: offline_eval CATALOG_DIR OCR_DUMP_DIR OUT.json [--min-line-confidence X]
//        [--auto-match X] [--review X] [--choose 0|1]
// Lines with other readings in the dump are chosen as the extract stage
// chooses them (model::choose_readings) unless --choose 0 (first reading).
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
#include "config/settings.hpp"
#include "lib/catalog_csv.hpp"
#include "model/catalog_index.hpp"
#include "model/catalog_records.hpp"
#include "model/item_cleaning.hpp"
#include "model/item_extraction.hpp"
#include "model/item_normalization.hpp"
#include "model/line_confidence.hpp"
#include "model/reading_choice.hpp"

namespace fs = std::filesystem;
using namespace khaacho;
using namespace khaacho::model;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
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

/// Per line of a dump's .lines.tsv: the line, then its other readings
/// (rows of confidence/text pairs).
std::vector<std::vector<ocr_line>> read_line_readings(const fs::path& tsv) {
  std::vector<std::vector<ocr_line>> out;
  std::ifstream in{tsv};
  std::string row;
  while (std::getline(in, row)) {
    auto cells = split(row, '\t');
    std::vector<ocr_line> group;
    for (size_t i = 0; i + 1 < cells.size(); i += 2)
      group.push_back({cells[i + 1], std::atof(cells[i].c_str())});
    if (!group.empty())
      out.push_back(std::move(group));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: offline_eval CATALOG_DIR OCR_DUMP_DIR OUT.json [--min-line-confidence X]"
                         " [--auto-match X] [--review X] [--choose 0|1]\n");
    return 2;
  }
  // The service's defaults unless told otherwise.
  config::settings defaults;
  double min_line_confidence = defaults.ocr.min_line_confidence;
  match_thresholds thresholds{defaults.normalize.auto_match, defaults.normalize.review};
  bool choose = true;
  for (int i = 4; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--min-line-confidence"))
      min_line_confidence = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--auto-match"))
      thresholds.auto_match = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--review"))
      thresholds.review = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--choose"))
      choose = std::atoi(argv[i + 1]) != 0;
  }
  catalog_index index{khaacho::bench::load_catalog_csv(argv[1])};
  std::vector<fs::path> texts;
  for (const auto& e : fs::directory_iterator{argv[2]})
    if (e.path().extension() == ".txt")
      texts.push_back(e.path());
  std::sort(texts.begin(), texts.end());

  json_object results;
  for (const auto& path : texts) {
    auto tsv = path;
    tsv.replace_extension(".lines.tsv");
    auto groups = read_line_readings(tsv);
    std::vector<ocr_line> lines;
    std::string text;
    if (choose) {
      lines = choose_readings(groups, &index, thresholds);
      for (const auto& l : lines)
        text += l.text + "\n";
    } else {
      for (const auto& g : groups)
        lines.push_back(g.front());
      text = read_file(path);
    }
    auto items = clean_items(extract_items(text));
    flag_low_confidence_items(items, lines, min_line_confidence);
    if (choose)
      flag_disputed_amounts(items, groups, index, thresholds);
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
