// The photos of a dev-set folder (../shared/data/orders-dev layout), for the
// benchmarks that read them.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace khaacho::bench {

/// The .jpg, .png and .webp files of `dir`, sorted; with `only` (file stems
/// apart by commas, "dev-001,dev-013") just those.
inline std::vector<std::filesystem::path> dev_set_images(const std::filesystem::path& dir,
                                                         const std::string& only) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    auto ext = e.path().extension().string();
    if (ext != ".jpg" && ext != ".png" && ext != ".webp")
      continue;
    if (!only.empty() && ("," + only + ",").find("," + e.path().stem().string() + ",") == std::string::npos)
      continue;
    out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace khaacho::bench
