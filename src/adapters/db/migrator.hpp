// Applies the SQL files of migrations/ in order, each in its own transaction,
// under a PostgreSQL advisory lock. BLOCKS: call from a CLI command or start-up.
#pragma once

#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "adapters/db/pg_connection.hpp"
#include "model/migration_plan.hpp"

namespace khaacho::db {

/// Reads every `NNNN_name.sql` in `dir` (sorted by version).
/// Errors: errc::bad_input naming the file (unreadable, bad name, duplicate version).
caf::expected<std::vector<model::migration_file>> read_migration_dir(const std::string& dir);

/// What `migrate` did.
struct migration_report {
  std::vector<std::string> applied;  ///< names applied by this call
  size_t already_applied = 0;
};

/// Applies pending migrations. Holds a session advisory lock for the whole
/// run, so two processes migrating at once apply each file exactly once.
/// Errors: errc::migration_checksum_mismatch naming the edited file;
/// errc::db_query_failed naming the file whose SQL failed (nothing of it stays).
caf::expected<migration_report> migrate(pg_connection& conn,
                                        const std::vector<model::migration_file>& files);

/// Compares the database with `files` without changing anything.
/// Returns the plan; `plan.pending` empty and no error means current.
caf::expected<model::migration_plan> check_schema(pg_connection& conn,
                                                  const std::vector<model::migration_file>& files);

}  // namespace khaacho::db
