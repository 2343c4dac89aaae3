// `khaacho import-catalog DIR`.
#include <iostream>

#include "adapters/db/catalog_importer.hpp"
#include "adapters/db/migrator.hpp"
#include "app/commands.hpp"
#include "app/database_setup.hpp"
#include "common/errc.hpp"

namespace khaacho::app {

int run_import_catalog(const command_line& cl, const config::settings& s) {
  if (cl.positional.size() != 1) {
    std::cerr << "khaacho import-catalog: give exactly one folder (with products.csv, "
                 "wholesalers.csv, stock.csv)\n";
    return 2;
  }
  auto conn = open_database(s, true);
  if (!conn) {
    std::cerr << "khaacho import-catalog: " << describe(conn.error()) << "\n";
    return 1;
  }
  // Importing into an old or empty schema fails deep inside with a missing
  // column; say what to do instead.
  auto files = load_migrations(s);
  if (!files) {
    std::cerr << "khaacho import-catalog: " << describe(files.error()) << "\n";
    return 2;
  }
  auto plan = db::check_schema(*conn, *files);
  if (!plan) {
    std::cerr << "khaacho import-catalog: " << describe(plan.error()) << "\n";
    return 1;
  }
  if (!plan->pending.empty()) {
    std::cerr << "khaacho import-catalog: the database schema is not current ("
              << plan->pending.size() << " migrations pending); run `khaacho migrate` first\n";
    return 3;
  }
  auto report = db::import_catalog(*conn, cl.positional.front());
  if (!report) {
    std::cerr << "khaacho import-catalog: " << describe(report.error()) << "\n";
    return is_transient(report.error()) ? 1 : 2;
  }
  std::cout << db::to_string(*report) << "\n";
  return 0;
}

}  // namespace khaacho::app
