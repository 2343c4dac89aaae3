// Migrations against a real PostgreSQL: apply, no-op, checksum refusal,
// failed files leave nothing, and two processes migrating at once.
#include <catch2/catch.hpp>

#include <thread>

#include "adapters/db/migrator.hpp"
#include "common/errc.hpp"
#include "support/child_process.hpp"
#include "support/error_checks.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

using namespace khaacho;
using namespace khaacho::db;

namespace {

pg_connection connect(const std::string& url) {
  auto c = pg_connection::open(url);
  if (!c)
    FAIL("cannot connect: " << describe(c.error()));
  return std::move(*c);
}

std::vector<model::migration_file> read_dir(const std::filesystem::path& dir) {
  auto files = read_migration_dir(dir.string());
  if (!files)
    FAIL(describe(files.error()));
  return *files;
}

int64_t count(pg_connection& conn, const std::string& sql) {
  auto r = conn.exec(sql);
  if (!r)
    FAIL(sql << ": " << describe(r.error()));
  return r->row(0).get<int64_t>("n");
}

void write_fixture(const test::temp_dir& dir) {
  dir.write("0001_widgets.sql", "CREATE TABLE widgets (id bigint PRIMARY KEY, name text NOT NULL);\n"
                                "INSERT INTO widgets VALUES (1, 'first');\n");
  dir.write("0002_gadgets.sql", "CREATE TABLE gadgets (id bigint PRIMARY KEY);\n"
                                "CREATE INDEX gadgets_id ON gadgets (id);\n");
}

}  // namespace

TEST_CASE("the project's migrations apply to an empty database and are a no-op the second time",
          "[postgres]") {
  test::scratch_database db;
  auto conn = connect(db.url());
  auto files = read_dir(KHAACHO_SOURCE_DIR "/migrations");
  REQUIRE_FALSE(files.empty());
  auto first = migrate(conn, files);
  REQUIRE(first);
  CHECK(first->applied.size() == files.size());
  auto second = migrate(conn, files);
  REQUIRE(second);
  CHECK(second->applied.empty());
  CHECK(second->already_applied == files.size());
  CHECK(count(conn, "SELECT count(*) AS n FROM schema_migrations") == static_cast<int64_t>(files.size()));
  auto plan = check_schema(conn, files);
  REQUIRE(plan);
  CHECK(plan->pending.empty());
}

TEST_CASE("new files are applied on top of an existing history", "[postgres]") {
  test::scratch_database db;
  test::temp_dir dir;
  write_fixture(dir);
  auto conn = connect(db.url());
  REQUIRE(migrate(conn, read_dir(dir.path())));
  dir.write("0003_more.sql", "ALTER TABLE widgets ADD COLUMN color text;\n");
  auto pending = check_schema(conn, read_dir(dir.path()));
  REQUIRE(pending);
  REQUIRE(pending->pending.size() == 1);
  auto third = migrate(conn, read_dir(dir.path()));
  REQUIRE(third);
  CHECK(third->applied == std::vector<std::string>{"0003_more.sql"});
  CHECK(count(conn, "SELECT count(*) AS n FROM widgets") == 1);  // 0001 did not run twice
}

TEST_CASE("an edited, already-applied migration is refused and named", "[postgres]") {
  test::scratch_database db;
  test::temp_dir dir;
  write_fixture(dir);
  auto conn = connect(db.url());
  REQUIRE(migrate(conn, read_dir(dir.path())));
  dir.write("0001_widgets.sql", "CREATE TABLE widgets (id bigint PRIMARY KEY, name text);\n");
  dir.write("0003_more.sql", "CREATE TABLE more (id int);\n");
  auto res = migrate(conn, read_dir(dir.path()));
  REQUIRE_FALSE(res);
  CHECK(test::has_code(res.error(), errc::migration_checksum_mismatch));
  CHECK(describe(res.error()).find("0001_widgets.sql") != std::string::npos);
  CHECK(count(conn, "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'more'") == 0);
}

TEST_CASE("a failing migration leaves nothing behind and names its file", "[postgres]") {
  test::scratch_database db;
  test::temp_dir dir;
  write_fixture(dir);
  dir.write("0003_broken.sql", "CREATE TABLE half (id int);\nALTER TABLE nowhere ADD COLUMN x int;\n");
  auto conn = connect(db.url());
  auto res = migrate(conn, read_dir(dir.path()));
  REQUIRE_FALSE(res);
  CHECK(describe(res.error()).find("0003_broken.sql") != std::string::npos);
  CHECK(count(conn, "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'half'") == 0);
  CHECK(count(conn, "SELECT count(*) AS n FROM schema_migrations") == 2);
}

TEST_CASE("badly named or duplicate migration files are refused", "[model]") {
  test::temp_dir dir;
  write_fixture(dir);
  SECTION("bad name") {
    dir.write("add_things.sql", "SELECT 1;");
    auto res = read_migration_dir(dir.path().string());
    REQUIRE_FALSE(res);
    CHECK(describe(res.error()).find("add_things.sql") != std::string::npos);
  }
  SECTION("duplicate version") {
    dir.write("0002_again.sql", "SELECT 1;");
    auto res = read_migration_dir(dir.path().string());
    REQUIRE_FALSE(res);
    CHECK(describe(res.error()).find("version 2") != std::string::npos);
  }
  SECTION("missing folder") {
    auto res = read_migration_dir((dir.path() / "nope").string());
    REQUIRE_FALSE(res);
  }
}

TEST_CASE("two processes migrating at once apply each migration exactly once", "[postgres][e2e]") {
  test::scratch_database db;
  test::temp_dir dir;
  write_fixture(dir);
  // A slow migration widens the window in which both processes would race.
  dir.write("0003_slow.sql", "SELECT pg_sleep(1);\nCREATE TABLE slow (id int);\n"
                             "INSERT INTO widgets VALUES (3, 'once');\n");
  std::map<std::string, std::string> env{{"DATABASE_URL", db.url()},
                                         {"KHAACHO_MIGRATIONS_DIR", dir.path().string()}};
  for (int round = 0; round < 2; ++round) {
    test::child_process a{{test::khaacho_binary(), "migrate"}, env};
    test::child_process b{{test::khaacho_binary(), "migrate"}, env};
    auto ca = a.wait(std::chrono::seconds{60});
    auto cb = b.wait(std::chrono::seconds{60});
    CAPTURE(a.err(), b.err(), a.out(), b.out());
    REQUIRE(ca == std::optional<int>{0});
    REQUIRE(cb == std::optional<int>{0});
  }
  auto conn = connect(db.url());
  CHECK(count(conn, "SELECT count(*) AS n FROM schema_migrations") == 3);
  CHECK(count(conn, "SELECT count(*) AS n FROM widgets") == 2);
}
