// argv parsing for the khaacho subcommands.
#include "app/command_line.hpp"

namespace khaacho::app {

namespace {

/// Flags each command takes, and whether they carry a value.
const std::map<std::string, std::map<std::string, bool>>& command_flags() {
  static const std::map<std::string, std::map<std::string, bool>> flags{
    {"serve", {{"migrate", false}}},
    {"worker", {{"migrate", false}}},
    {"migrate", {{"check", false}}},
    {"import-catalog", {}},
    {"token", {{"role", true}, {"retailer", true}, {"ttl", true}, {"subject", true}}},
  };
  return flags;
}

}  // namespace

parse_outcome parse_command_line(const std::vector<std::string>& args) {
  parse_outcome out;
  auto& cl = out.value;
  size_t i = 0;
  // Global flags may come before the command.
  for (; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--help" || a == "-h")
      cl.help = true;
    else if (a == "--version")
      cl.version = true;
    else
      break;
  }
  if (i < args.size() && args[i].rfind("-", 0) != 0)
    cl.command = args[i++];
  if (!cl.command.empty() && command_flags().count(cl.command) == 0) {
    out.error = "unknown command '" + cl.command + "'";
    return out;
  }
  const auto empty = std::map<std::string, bool>{};
  const auto& own = cl.command.empty() ? empty : command_flags().at(cl.command);
  for (; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--help" || a == "-h") {
      cl.help = true;
      continue;
    }
    if (a == "--version") {
      cl.version = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) {
      cl.positional.push_back(a);
      continue;
    }
    auto body = a.substr(2);
    auto eq = body.find('=');
    std::string name = body.substr(0, eq);
    std::optional<std::string> value;
    if (eq != std::string::npos)
      value = body.substr(eq + 1);
    if (name == "config") {
      if (!value) {
        if (i + 1 >= args.size()) {
          out.error = "--config needs a file";
          return out;
        }
        value = args[++i];
      }
      cl.config_file = *value;
      continue;
    }
    if (auto f = own.find(name); f != own.end()) {
      if (f->second && !value) {
        if (i + 1 >= args.size()) {
          out.error = "--" + name + " needs a value";
          return out;
        }
        value = args[++i];
      }
      if (!f->second && value) {
        out.error = "--" + name + " takes no value";
        return out;
      }
      cl.options[name] = value.value_or("true");
      continue;
    }
    if (name.find('.') != std::string::npos) {
      if (!value) {
        if (i + 1 >= args.size()) {
          out.error = "--" + name + " needs a value";
          return out;
        }
        value = args[++i];
      }
      cl.overrides.emplace_back(name, *value);
      continue;
    }
    out.error = "unknown option --" + name
                + (cl.command.empty() ? "" : " for '" + cl.command + "'");
    return out;
  }
  return out;
}

}  // namespace khaacho::app
