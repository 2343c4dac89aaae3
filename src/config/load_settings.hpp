// Builds the service's settings from, in rising precedence: embedded defaults,
// the config file (CAF's config format), environment variables, and flags.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/settings.hpp"

namespace khaacho::config {

/// Where the settings come from.
struct settings_sources {
  /// Config file path; nullopt means "config/khaacho.conf if it exists".
  std::optional<std::string> config_file;
  /// Text of the config file instead of a path (tests); wins over config_file.
  std::optional<std::string> config_text;
  /// Looks up an environment variable; returns nullopt when unset.
  std::function<std::optional<std::string>(const std::string&)> getenv;
  /// `--key=value` flags, already split.
  std::vector<std::pair<std::string, std::string>> flags;
};

/// Settings, or an error message that names the offending key and source.
struct load_result {
  settings value;
  std::string error;
  std::string config_file_used;  ///< empty when none was read
  bool ok() const { return error.empty(); }
};

/// Reads the config file (blocking file read; call at start-up only).
load_result load_settings(const settings_sources& sources);

/// Looks up the real process environment.
std::optional<std::string> process_env(const std::string& name);

/// One line per key: name, value (secrets hidden), env variable, help.
std::string describe_settings(const settings& s);

}  // namespace khaacho::config
