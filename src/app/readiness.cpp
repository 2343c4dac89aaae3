// /readyz: database round trip + schema comparison through the pool.
#include "app/readiness.hpp"

#include <caf/function_view.hpp>

#include "common/errc.hpp"

namespace khaacho::app {

http::readiness_probe make_readiness_probe(caf::actor_system& sys, db_pool_actor pool,
                                           std::vector<model::migration_file> expected,
                                           std::chrono::milliseconds timeout) {
  (void)sys;
  return [pool, expected, timeout]() {
    http::readiness_report report;
    if (!pool) {
      report.detail = "actor system is not running";
      return report;
    }
    auto view = caf::make_function_view(pool, caf::duration{timeout});
    auto rows = view(query_atom::value,
                     db::pg_statement{"SELECT version, name, checksum FROM schema_migrations",
                                      {}});
    if (!rows) {
      // A request timeout or a dead pool is an actor-side failure; anything
      // else came back from a worker, so the actors are up.
      bool actors_down = rows.error() == caf::sec::request_receiver_down;
      report.actors = !actors_down;
      if (has_code(rows.error(), errc::db_query_failed)) {
        // The server answered, but schema_migrations is missing or unreadable.
        report.database = true;
        report.detail = "schema not migrated: " + describe(rows.error());
        return report;
      }
      report.detail = "database not reachable: " + describe(rows.error());
      if (rows.error() == caf::sec::request_timeout)
        report.detail = "database did not answer within the readiness timeout";
      return report;
    }
    report.actors = true;
    report.database = true;
    std::vector<model::applied_migration> applied;
    for (size_t i = 0; i < rows->size(); ++i) {
      auto r = rows->row(i);
      applied.push_back({r.get<int64_t>("version"), r.get<std::string>("name"),
                         r.get<std::string>("checksum")});
    }
    auto plan = model::plan_migrations(expected, applied);
    if (plan.refusal)
      report.detail = *plan.refusal;
    else if (!plan.pending.empty())
      report.detail = std::to_string(plan.pending.size()) + " migrations pending";
    else
      report.schema = true;
    return report;
  };
}

}  // namespace khaacho::app
