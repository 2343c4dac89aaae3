// `khaacho migrate [--check]`.
#include <iostream>

#include "adapters/db/migrator.hpp"
#include "app/commands.hpp"
#include "app/database_setup.hpp"
#include "common/errc.hpp"

namespace khaacho::app {

int run_migrate(const command_line& cl, const config::settings& s) {
  auto files = load_migrations(s);
  if (!files) {
    std::cerr << "khaacho migrate: " << describe(files.error()) << "\n";
    return 2;
  }
  auto conn = open_database(s, true);
  if (!conn) {
    std::cerr << "khaacho migrate: " << describe(conn.error()) << "\n";
    return 1;
  }
  if (cl.options.count("check")) {
    auto plan = db::check_schema(*conn, *files);
    if (!plan) {
      std::cerr << "khaacho migrate: " << describe(plan.error()) << "\n";
      return 1;
    }
    for (const auto& f : plan->pending)
      std::cout << "pending " << f.name << "\n";
    std::cout << plan->already_applied << " applied, " << plan->pending.size() << " pending\n";
    return plan->pending.empty() ? 0 : 3;
  }
  auto report = db::migrate(*conn, *files);
  if (!report) {
    std::cerr << "khaacho migrate: " << describe(report.error()) << "\n";
    return 1;
  }
  for (const auto& name : report->applied)
    std::cout << "applied " << name << "\n";
  std::cout << "schema current: " << report->already_applied + report->applied.size()
            << " migrations (" << report->applied.size() << " applied now)\n";
  return 0;
}

}  // namespace khaacho::app
