// libFuzzer target: aligning several OCR readings of a page line by line.
// Readings are split at 0 bytes, lines at '\n' (at most 64 lines of 200
// bytes each, the size of a real page). Every line of the first reading must
// come back first in its group, in order, with no more alternatives than there
// are other readings.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "model/reading_alignment.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace khaacho::model;
  std::string_view input{reinterpret_cast<const char*>(data), size};
  std::vector<std::vector<ocr_line>> readings;
  while (readings.size() < 4) {
    auto reading = input.substr(0, input.find('\0'));
    std::vector<ocr_line> lines;
    size_t start = 0;
    while (start <= reading.size() && lines.size() < 64) {
      auto end = reading.find('\n', start);
      if (end == std::string_view::npos)
        end = reading.size();
      auto text = reading.substr(start, std::min<size_t>(end - start, 200));
      lines.push_back({std::string{text}, static_cast<double>(text.size() % 11) / 10});
      start = end + 1;
    }
    readings.push_back(std::move(lines));
    if (reading.size() == input.size())
      break;
    input.remove_prefix(reading.size() + 1);
  }
  auto groups = align_readings(readings);
  if (groups.size() != readings[0].size())
    std::abort();
  for (size_t i = 0; i < groups.size(); ++i)
    if (groups[i].empty() || groups[i].size() > readings.size()
        || groups[i][0].text != readings[0][i].text)
      std::abort();
  if (readings.size() > 1 && !readings[0].empty() && !readings[1].empty()) {
    auto s = line_similarity(readings[0][0].text, readings[1][0].text);
    if (!(s >= 0 && s <= 1))
      std::abort();
  }
  return 0;
}
