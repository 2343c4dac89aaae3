// Test environment: server addresses from scripts/test.sh, scratch databases.
#include "support/test_env.hpp"

#include <atomic>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include <unistd.h>

#include "adapters/db/pg_connection.hpp"
#include "common/errc.hpp"

namespace khaacho::test {

std::string required_env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0')
    throw std::runtime_error(std::string{name}
                             + " is not set: run the tests through scripts/test.sh, which "
                               "starts private PostgreSQL and Redis servers");
  return v;
}

std::string with_database(const std::string& url, const std::string& db) {
  // postgres://user@host:port/dbname?params
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  auto query = url.find('?');
  std::string head = slash == std::string::npos ? url.substr(0, query) : url.substr(0, slash);
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  return head + "/" + db + tail;
}

namespace {

std::string unique_name() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return "t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_"
         + std::to_string(rd() % 100000);
}

void admin_exec(const std::string& sql) {
  auto conn = db::pg_connection::open(pg_admin_url());
  if (!conn)
    throw std::runtime_error("cannot reach test PostgreSQL: " + describe(conn.error()));
  auto res = conn->exec(sql);
  if (!res)
    throw std::runtime_error(sql + ": " + describe(res.error()));
}

int run_pg_ctl(const char* var) {
  return std::system(required_env(var).c_str());
}

}  // namespace

scratch_database::scratch_database() : name_(unique_name()) {
  // Identifiers cannot be parameters; the name is generated here, never input.
  admin_exec("CREATE DATABASE " + name_);
  url_ = with_database(pg_admin_url(), name_);
}

scratch_database::~scratch_database() {
  try {
    admin_exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
    // A failed drop leaves a stray database in a throwaway cluster; harmless.
  }
}

int restart_postgres() { return run_pg_ctl("KHAACHO_TEST_PG_RESTART"); }
int stop_postgres() { return run_pg_ctl("KHAACHO_TEST_PG_STOP"); }
int start_postgres() { return run_pg_ctl("KHAACHO_TEST_PG_START"); }

}  // namespace khaacho::test
