// The table of configuration keys: name, type, default, environment variable,
// documentation and validation. The single source for parsing and --help.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config_value.hpp"
#include "config/settings.hpp"

namespace khaacho::config {

/// One configuration key.
struct config_key {
  std::string name;         ///< dotted, e.g. "database.pool-size"
  value_kind kind;
  std::string env;          ///< environment variable that overrides it, or empty
  bool secret = false;      ///< never printed
  std::string help;
  /// Stores a converted value; returns an error text (without the key) or empty.
  std::function<std::string(settings&, const typed_value&)> apply;
  /// Renders the current value for --help / dumps.
  std::function<std::string(const settings&)> show;
};

/// Every key the service understands.
const std::vector<config_key>& config_schema();

/// The key named `name`, or nullptr.
const config_key* find_config_key(const std::string& name);

}  // namespace khaacho::config
