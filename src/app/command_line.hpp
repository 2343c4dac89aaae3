// Splits argv into a subcommand, its own options, positional arguments and
// configuration overrides (--key=value for any key of config_schema()).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace khaacho::app {

struct command_line {
  std::string command;                    ///< serve, worker, migrate, import-catalog, token
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  ///< the command's own flags
  std::vector<std::pair<std::string, std::string>> overrides;  ///< config keys
  std::optional<std::string> config_file;
  bool help = false;
  bool version = false;
};

/// Parses argv. `own_flags(command)` lists the flags a command takes itself
/// (name -> takes a value). Everything else with a dot in its name is a
/// config override. Returns an error text on malformed input.
struct parse_outcome {
  command_line value;
  std::string error;
};
parse_outcome parse_command_line(const std::vector<std::string>& args);

}  // namespace khaacho::app
