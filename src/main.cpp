// khaacho: subcommands only; everything else lives in khaacho_core.
#include <iostream>
#include <string>
#include <vector>

#include "app/command_line.hpp"
#include "app/commands.hpp"
#include "common/log.hpp"
#include "config/load_settings.hpp"

namespace {

const char* usage = R"(khaacho — photographed purchase orders to supplier RFQs

usage: khaacho <command> [options] [--config FILE] [--<key>=<value> ...]

commands:
  serve                 HTTP API and pipeline (the default)   [--migrate]
  worker                pipeline only: no API, just /healthz /readyz /metrics on
                        http.port; joins the cluster when REDIS_URL is set  [--migrate]
  migrate               apply pending database migrations     [--check]
  import-catalog DIR    load products.csv, wholesalers.csv, stock.csv from DIR
  token                 print a signed development token
                        --role retailer|operator|admin [--retailer UUID] [--ttl SECONDS]

global options:
  --config FILE         config file (default: config/khaacho.conf if present)
  --<key>=<value>       override any configuration key (see below)
  --help, --version
)";

void print_help(const khaacho::config::settings& s) {
  std::cout << usage << "\nconfiguration keys (current values):\n"
            << khaacho::config::describe_settings(s);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace khaacho;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = app::parse_command_line(args);
  if (!parsed.error.empty()) {
    std::cerr << "khaacho: " << parsed.error << "\n(see khaacho --help)\n";
    return 2;
  }
  auto& cl = parsed.value;
  if (cl.version) {
    std::cout << "khaacho " << KHAACHO_VERSION << "\n";
    return 0;
  }
  config::settings_sources sources;
  sources.config_file = cl.config_file;
  sources.flags = cl.overrides;
  auto loaded = config::load_settings(sources);
  if (cl.help) {
    print_help(loaded.value);
    return 0;
  }
  if (!loaded.ok()) {
    std::cerr << "khaacho: configuration error: " << loaded.error << "\n";
    return 2;
  }
  log::init(loaded.value.log.level);
  log::set_trace_project(loaded.value.log.trace_project);
  if (cl.command.empty() || cl.command == "serve")
    return app::run_serve(cl, loaded.value);
  if (cl.command == "worker")
    return app::run_worker(cl, loaded.value);
  if (cl.command == "migrate")
    return app::run_migrate(cl, loaded.value);
  if (cl.command == "import-catalog")
    return app::run_import_catalog(cl, loaded.value);
  if (cl.command == "token")
    return app::run_token(cl, loaded.value);
  std::cerr << "khaacho: unknown command '" << cl.command << "'\n";
  return 2;
}
