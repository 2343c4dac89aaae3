// Runs the built-in extractor (with cleaning) on text from stdin and prints
// one item per line as TSV: source line, name, quantity, unit, unsure reason.
// With LINES.tsv ("confidence<TAB>text" per OCR line) and a threshold, flags
// items from doubtful lines as the extract stage does.
// Usage: extract_items [LINES.tsv [threshold]] < text. Used by
// bench/tools/score_extraction.py.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "model/item_cleaning.hpp"
#include "model/item_extraction.hpp"
#include "model/line_confidence.hpp"

int main(int argc, char** argv) {
  std::string text{std::istreambuf_iterator<char>{std::cin}, {}};
  auto items = khaacho::model::clean_items(khaacho::model::extract_items(text));
  if (argc > 1) {
    std::vector<khaacho::model::ocr_line> lines;
    std::ifstream in{argv[1]};
    std::string row;
    while (std::getline(in, row)) {
      auto tab = row.find('\t');
      // Other readings of the line may follow as more confidence/text pairs.
      auto end = row.find('\t', tab + 1);
      if (tab != std::string::npos)
        lines.push_back({row.substr(tab + 1, end == std::string::npos ? std::string::npos : end - tab - 1),
                         std::atof(row.substr(0, tab).c_str())});
    }
    khaacho::model::flag_low_confidence_items(items, lines, argc > 2 ? std::atof(argv[2]) : 0.6);
  }
  for (const auto& it : items) {
    std::string line = it.line;
    for (auto& c : line)
      if (c == '\n' || c == '\t')
        c = ' ';
    std::cout << line << '\t' << it.name << '\t' << it.quantity << '\t' << it.unit << '\t'
              << (it.unsure ? (it.unsure_reason.empty() ? "unsure" : it.unsure_reason) : "") << '\n';
  }
  return 0;
}
