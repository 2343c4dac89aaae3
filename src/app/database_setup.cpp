// Connection and migration loading for the CLI commands.
#include "app/database_setup.hpp"

#include "adapters/db/migrator.hpp"
#include "common/errc.hpp"

namespace khaacho::app {

db::pg_options connection_options(const config::settings& s, bool long_running) {
  db::pg_options opts;
  opts.connect_timeout = s.database.connect_timeout;
  opts.statement_timeout = long_running ? std::chrono::milliseconds{30 * 60 * 1000}
                                        : s.database.statement_timeout;
  return opts;
}

caf::expected<db::pg_connection> open_database(const config::settings& s, bool long_running) {
  if (s.database.url.empty())
    return caf::make_error(errc::bad_input,
                           "key 'database.url' is not set (set DATABASE_URL or --database.url)");
  return db::pg_connection::open(s.database.url, connection_options(s, long_running));
}

caf::expected<std::vector<model::migration_file>> load_migrations(const config::settings& s) {
  return db::read_migration_dir(s.database.migrations_dir);
}

}  // namespace khaacho::app
