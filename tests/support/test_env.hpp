// Addresses of the servers scripts/test.sh starts for the run, and a fresh
// database per test so tests never see each other's rows.
#pragma once

#include <string>

namespace khaacho::test {

/// Value of an environment variable that scripts/test.sh sets; throws with a
/// hint to run the tests through scripts/test.sh when it is missing.
std::string required_env(const char* name);

/// postgres:// URL of the maintenance database (role may create databases).
inline std::string pg_admin_url() { return required_env("KHAACHO_TEST_PG_ADMIN_URL"); }

/// redis:// URL of the private redis-server.
inline std::string redis_url() { return required_env("KHAACHO_TEST_REDIS_URL"); }

/// Replaces the database name in a postgres:// URL.
std::string with_database(const std::string& url, const std::string& db);

/// A database created empty for one test and dropped when it goes out of scope.
class scratch_database {
public:
  scratch_database();
  ~scratch_database();
  scratch_database(const scratch_database&) = delete;
  scratch_database& operator=(const scratch_database&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

private:
  std::string name_;
  std::string url_;
};

/// Restarts the private PostgreSQL server (fast shutdown, wait for start).
/// Returns the command's exit status.
int restart_postgres();

/// Stops / starts the private PostgreSQL server.
int stop_postgres();
int start_postgres();

}  // namespace khaacho::test
