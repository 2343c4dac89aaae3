// Imports a catalog folder (products.csv, wholesalers.csv, stock.csv; the
// layout of data/catalog/README.md) into PostgreSQL, all or nothing. BLOCKS:
// call from the `import-catalog` command or a test, never from an actor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

#include "adapters/db/pg_array_literal.hpp"
#include "adapters/db/pg_connection.hpp"
#include "model/catalog_records.hpp"

namespace khaacho::db {

/// What an import did. "inserted" rows are new, "updated" ones existed and
/// changed, the rest of `products` (etc.) were already up to date.
struct import_report {
  size_t products = 0;
  size_t products_inserted = 0;
  size_t products_updated = 0;
  size_t aliases = 0;
  size_t aliases_inserted = 0;
  size_t aliases_removed = 0;  ///< aliases of imported products no longer in the file
  size_t wholesalers = 0;
  size_t wholesalers_inserted = 0;
  size_t wholesalers_updated = 0;
  size_t stock_rows = 0;
  size_t stock_inserted = 0;
  size_t stock_updated = 0;
  size_t stock_removed = 0;  ///< rows of imported wholesalers no longer in stock.csv
  int64_t catalog_version = 0;  ///< catalog_state.version after the import
  bool catalog_changed = false;  ///< products or aliases changed (version bumped)
};

/// One line for the CLI, e.g. "imported 306 products (306 new, 0 changed), ...".
std::string to_string(const import_report& report);

/// The three parsed files of a catalog folder.
struct catalog_files {
  std::vector<model::product_record> products;
  std::vector<model::wholesaler_record> wholesalers;
  std::vector<model::stock_record> stock;
};

/// Reads and validates `dir`/products.csv, wholesalers.csv and stock.csv,
/// then applies them in one transaction: products and wholesalers are upserted
/// by id (ids kept), each imported product's aliases become exactly those of
/// the file, stock rows are upserted by (wholesaler, product) and an imported
/// wholesaler's rows missing from stock.csv are removed. Products and
/// wholesalers missing from the files stay (orders refer to them). Bumps
/// catalog_state.version when products or aliases changed. Importing the same
/// folder twice changes nothing the second time.
/// Errors: errc::bad_input naming file:line for an unreadable or invalid file
/// or a SKU owned by another product in the database (nothing is imported);
/// the connection's errors (db_unavailable, timeout: transient) otherwise.
caf::expected<import_report> import_catalog(pg_connection& conn, const std::string& dir);

/// Applies already validated files (as `import_catalog` does after reading).
/// Stock rows must name products and wholesalers of `files`.
caf::expected<import_report> import_catalog(pg_connection& conn, const catalog_files& files);


}  // namespace khaacho::db
