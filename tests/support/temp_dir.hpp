// A temporary folder removed with its contents at the end of a test.
#pragma once

#include <filesystem>
#include <string>

namespace khaacho::test {

class temp_dir {
public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  /// Writes `content` to `name` inside the folder; returns the full path.
  std::filesystem::path write(const std::string& name, const std::string& content) const;

private:
  std::filesystem::path path_;
};

}  // namespace khaacho::test
