// libFuzzer target: the config file (CAF's config format) through
// load_settings, with no environment and no flags. Settings that load must
// describe themselves without trouble.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "config/load_settings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace khaacho::config;
  settings_sources sources;
  sources.config_text = std::string{reinterpret_cast<const char*>(data), size};
  sources.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto result = load_settings(sources);
  if (result.ok())
    (void) describe_settings(result.value);
  return 0;
}
