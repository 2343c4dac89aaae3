#include "model/line_confidence.hpp"

#include <cstdio>
#include <unordered_map>

namespace khaacho::model {

std::string trimmed_line(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n\f\v");
  if (b == std::string::npos)
    return "";
  auto e = s.find_last_not_of(" \t\r\n\f\v");
  return s.substr(b, e - b + 1);
}

size_t flag_low_confidence_items(std::vector<extracted_item>& items,
                                 const std::vector<ocr_line>& lines, double threshold) {
  // The same text on two lines: trust the worse reading.
  std::unordered_map<std::string, double> confidence;
  for (const auto& l : lines) {
    auto key = trimmed_line(l.text);
    auto it = confidence.find(key);
    if (it == confidence.end() || l.confidence < it->second)
      confidence[key] = l.confidence;
  }
  size_t flagged = 0;
  for (auto& item : items) {
    auto it = confidence.find(trimmed_line(item.line));
    if (it == confidence.end() || it->second >= threshold)
      continue;
    char buf[96];
    std::snprintf(buf, sizeof(buf), "the photo is hard to read on this line (OCR confidence %.2f)",
                  it->second);
    if (!item.unsure) {
      item.unsure = true;
      item.unsure_reason = buf;
    } else if (item.unsure_reason.find("OCR confidence") == std::string::npos) {
      item.unsure_reason += item.unsure_reason.empty() ? buf : std::string{"; "} + buf;
    }
    ++flagged;
  }
  return flagged;
}

}  // namespace khaacho::model
