// Runs the built-in extractor (with cleaning) on text from stdin and prints
// one item per line as TSV: source line, name, quantity, unit, unsure reason.
// Used by bench/tools/score_extraction.py.
#include <iostream>
#include <iterator>
#include <string>

#include "model/item_cleaning.hpp"
#include "model/item_extraction.hpp"

int main() {
  std::string text{std::istreambuf_iterator<char>{std::cin}, {}};
  for (const auto& it : khaacho::model::clean_items(khaacho::model::extract_items(text))) {
    std::string line = it.line;
    for (auto& c : line)
      if (c == '\n' || c == '\t')
        c = ' ';
    std::cout << line << '\t' << it.name << '\t' << it.quantity << '\t' << it.unit << '\t'
              << (it.unsure ? (it.unsure_reason.empty() ? "unsure" : it.unsure_reason) : "") << '\n';
  }
  return 0;
}
