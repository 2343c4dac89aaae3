// Connection and migration loading for the CLI commands.
#include "app/database_setup.hpp"

#include <thread>

#include <unistd.h>

#include "adapters/db/migrator.hpp"
#include "common/errc.hpp"
#include "common/log.hpp"

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

std::string node_name(const config::settings& s) {
  if (!s.node.id.empty())
    return s.node.id;
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0)
    return "node";
  return host;
}

caf::expected<std::vector<model::migration_file>> prepare_schema(const config::settings& s,
                                                                 bool migrate) {
  auto files = load_migrations(s);
  if (!files)
    return files.error();
  auto conn = open_database(s, true);
  auto give_up = std::chrono::steady_clock::now() + s.database.startup_wait;
  while (!conn && is_transient(conn.error()) && std::chrono::steady_clock::now() < give_up) {
    log::warn("waiting for the database", {{"reason", describe(conn.error())}});
    std::this_thread::sleep_for(std::chrono::seconds{1});
    conn = open_database(s, true);
  }
  if (!conn)
    return conn.error();
  if (s.database.migrate_on_start || migrate) {
    auto report = db::migrate(*conn, *files);
    if (!report)
      return report.error();
    for (const auto& name : report->applied)
      log::info("migration applied", {{"migration", name}});
    return files;
  }
  auto plan = db::check_schema(*conn, *files);
  if (!plan)
    return plan.error();
  if (!plan->pending.empty())
    return caf::make_error(errc::schema_out_of_date,
                           std::to_string(plan->pending.size())
                             + " migrations pending (first: " + plan->pending.front().name
                             + "); run `khaacho migrate` or start with --migrate");
  return files;
}

}  // namespace khaacho::app
