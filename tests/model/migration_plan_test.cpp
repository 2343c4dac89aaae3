// Which migrations run, and when the history refuses the files.
#include <catch2/catch.hpp>

#include "model/migration_plan.hpp"

using namespace khaacho::model;

namespace {

migration_file file(int64_t v, const std::string& name, const std::string& sum) {
  return {v, name, "-- sql", sum};
}

}  // namespace

TEST_CASE("migration versions come from NNNN_name.sql file names", "[model]") {
  auto [name, expected] = GENERATE(table<std::string, std::optional<int64_t>>({
    {"0001_catalog.sql", 1},
    {"0042_orders_and_items.sql", 42},
    {"7_short.sql", 7},
    {"0001_catalog.SQL", std::nullopt},
    {"catalog.sql", std::nullopt},
    {"0001catalog.sql", std::nullopt},
    {"0001_.sql", std::nullopt},
    {"0001_catalog.sql.bak", std::nullopt},
    {"", std::nullopt},
  }));
  CAPTURE(name);
  CHECK(migration_version_of(name) == expected);
}

TEST_CASE("an empty database gets every file in version order", "[model]") {
  auto plan = plan_migrations({file(2, "0002_b.sql", "b"), file(1, "0001_a.sql", "a")}, {});
  REQUIRE_FALSE(plan.refusal);
  REQUIRE(plan.pending.size() == 2);
  CHECK(plan.pending[0].name == "0001_a.sql");
  CHECK(plan.pending[1].name == "0002_b.sql");
}

TEST_CASE("applied files with the same checksum are skipped", "[model]") {
  auto plan = plan_migrations({file(1, "0001_a.sql", "a"), file(2, "0002_b.sql", "b")},
                              {{1, "0001_a.sql", "a"}});
  REQUIRE_FALSE(plan.refusal);
  CHECK(plan.already_applied == 1);
  REQUIRE(plan.pending.size() == 1);
  CHECK(plan.pending[0].version == 2);
}

TEST_CASE("a fully applied history plans nothing", "[model]") {
  auto plan = plan_migrations({file(1, "0001_a.sql", "a")}, {{1, "0001_a.sql", "a"}});
  CHECK_FALSE(plan.refusal);
  CHECK(plan.pending.empty());
}

TEST_CASE("an edited applied migration is refused and named", "[model]") {
  auto plan = plan_migrations({file(1, "0001_a.sql", "edited"), file(2, "0002_b.sql", "b")},
                              {{1, "0001_a.sql", "a"}});
  REQUIRE(plan.refusal);
  CHECK(plan.refusal->find("0001_a.sql") != std::string::npos);
  CHECK(plan.pending.empty());
}

TEST_CASE("an applied migration whose file vanished is refused", "[model]") {
  auto plan = plan_migrations({file(2, "0002_b.sql", "b")}, {{1, "0001_a.sql", "a"}});
  REQUIRE(plan.refusal);
  CHECK(plan.refusal->find("0001_a.sql") != std::string::npos);
}

TEST_CASE("a new file numbered below the applied history is refused", "[model]") {
  auto plan = plan_migrations({file(1, "0001_a.sql", "a"), file(3, "0003_c.sql", "c"),
                               file(2, "0002_late.sql", "x")},
                              {{1, "0001_a.sql", "a"}, {3, "0003_c.sql", "c"}});
  REQUIRE(plan.refusal);
  CHECK(plan.refusal->find("0002_late.sql") != std::string::npos);
  CHECK(plan.pending.empty());
}
