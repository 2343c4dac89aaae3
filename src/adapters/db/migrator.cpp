// Applies migrations/ under an advisory lock, recording checksums.
#include "adapters/db/migrator.hpp"

#include "common/digest.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <openssl/sha.h>

#include "common/errc.hpp"

namespace khaacho::db {

namespace {

// Arbitrary but fixed: every node must use the same key to serialize migrate.
constexpr int64_t migration_lock_key = 0x6b6861616368; // "khaach"

caf::expected<std::vector<model::applied_migration>> read_applied(pg_connection& conn) {
  auto exists = conn.exec("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
  if (!exists)
    return exists.error();
  std::vector<model::applied_migration> out;
  if (!exists->row(0).get<bool>("present"))
    return out;
  auto rows = conn.exec("SELECT version, name, checksum FROM schema_migrations ORDER BY version");
  if (!rows)
    return rows.error();
  for (size_t i = 0; i < rows->size(); ++i) {
    auto r = rows->row(i);
    out.push_back({r.get<int64_t>("version"), r.get<std::string>("name"),
                   r.get<std::string>("checksum")});
  }
  return out;
}

/// Runs one file and records it, all or nothing.
caf::expected<void> apply_one(pg_connection& conn, const model::migration_file& f) {
  if (auto ok = conn.exec_script("BEGIN"); !ok)
    return ok.error();
  auto fail = [&](const caf::error& err) -> caf::expected<void> {
    if (conn.healthy())
      conn.exec_script("ROLLBACK");
    if (has_code(err, errc::db_query_failed))
      return caf::make_error(errc::db_query_failed, f.name + ": " + describe(err));
    return err;
  };
  if (auto ok = conn.exec_script(f.sql); !ok)
    return fail(ok.error());
  auto recorded = conn.exec(
    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
    pg_params(f.version, f.name, f.checksum));
  if (!recorded)
    return fail(recorded.error());
  if (auto ok = conn.exec_script("COMMIT"); !ok)
    return fail(ok.error());
  return caf::unit;
}

}  // namespace

caf::expected<std::vector<model::migration_file>> read_migration_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return caf::make_error(errc::bad_input, "migrations directory not found: " + dir);
  std::vector<model::migration_file> files;
  std::set<int64_t> seen;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file())
      continue;
    auto name = entry.path().filename().string();
    if (entry.path().extension() != ".sql")
      continue;
    auto version = model::migration_version_of(name);
    if (!version)
      return caf::make_error(errc::bad_input,
                             "migration file name must look like 0001_name.sql: " + name);
    if (!seen.insert(*version).second)
      return caf::make_error(errc::bad_input, "two migration files share version "
                                                + std::to_string(*version) + ": " + name);
    std::ifstream in{entry.path(), std::ios::binary};
    std::stringstream buf;
    buf << in.rdbuf();
    if (!in)
      return caf::make_error(errc::bad_input, "cannot read migration file " + name);
    auto sql = buf.str();
    files.push_back({*version, name, sql, sha256_hex(sql)});
  }
  if (ec)
    return caf::make_error(errc::bad_input, "cannot list " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.version < b.version; });
  return files;
}

caf::expected<model::migration_plan>
check_schema(pg_connection& conn, const std::vector<model::migration_file>& files) {
  auto applied = read_applied(conn);
  if (!applied)
    return applied.error();
  auto plan = model::plan_migrations(files, *applied);
  if (plan.refusal)
    return caf::make_error(errc::migration_checksum_mismatch, *plan.refusal);
  return plan;
}

caf::expected<migration_report> migrate(pg_connection& conn,
                                        const std::vector<model::migration_file>& files) {
  // Another node may hold the lock for a long migration; wait for it rather
  // than fail on the session's usual lock_timeout.
  if (auto ok = conn.exec_script("SET lock_timeout = '15min'; SET statement_timeout = 0"); !ok)
    return ok.error();
  if (auto locked = conn.exec("SELECT pg_advisory_lock($1)", pg_params(migration_lock_key));
      !locked)
    return locked.error();
  auto unlock = [&] {
    if (conn.healthy())
      conn.exec("SELECT pg_advisory_unlock($1)", pg_params(migration_lock_key));
  };
  auto created = conn.exec_script(
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version bigint PRIMARY KEY,"
    " name text NOT NULL,"
    " checksum text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())");
  if (!created) {
    unlock();
    return created.error();
  }
  auto plan = check_schema(conn, files);
  if (!plan) {
    unlock();
    return plan.error();
  }
  migration_report report;
  report.already_applied = plan->already_applied;
  for (const auto& f : plan->pending) {
    if (auto ok = apply_one(conn, f); !ok) {
      unlock();
      return ok.error();
    }
    report.applied.push_back(f.name);
  }
  unlock();
  return report;
}

}  // namespace khaacho::db
