// Start-up helpers shared by the commands that touch the database. BLOCKING:
// used from main() before the actor system exists, never from actors.
#pragma once

#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "adapters/db/pg_connection.hpp"
#include "config/settings.hpp"
#include "model/migration_plan.hpp"

namespace khaacho::app {

/// Connection options from the settings; `long_running` lifts the statement
/// deadline for migrations and imports.
db::pg_options connection_options(const config::settings& s, bool long_running);

/// Opens a connection to database.url. Errors name the missing key.
caf::expected<db::pg_connection> open_database(const config::settings& s, bool long_running);

/// The migration files of database.migrations-dir.
caf::expected<std::vector<model::migration_file>> load_migrations(const config::settings& s);

/// BLOCKS until the database answers (up to database.startup-wait) and the
/// schema is current, migrating first when `migrate` or database.migrate-on-start
/// allows it. Answers the migration files (for the readiness probe).
caf::expected<std::vector<model::migration_file>> prepare_schema(const config::settings& s,
                                                                 bool migrate);

/// node.id, or the host name when it is empty.
std::string node_name(const config::settings& s);

}  // namespace khaacho::app
