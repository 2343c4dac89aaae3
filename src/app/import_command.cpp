// `khaacho import-catalog DIR`.
#include <iostream>

#include "adapters/db/catalog_importer.hpp"
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
  auto report = db::import_catalog(*conn, cl.positional.front());
  if (!report) {
    std::cerr << "khaacho import-catalog: " << describe(report.error()) << "\n";
    return is_transient(report.error()) ? 1 : 2;
  }
  std::cout << db::to_string(*report) << "\n";
  return 0;
}

}  // namespace khaacho::app
