// The /readyz probe: asks the database pool (from an HTTP thread, with a
// timeout) whether the database answers and the schema matches the binary.
#pragma once

#include <vector>

#include <caf/actor_system.hpp>

#include "actors/db_protocol.hpp"
#include "http/health_routes.hpp"
#include "model/migration_plan.hpp"

namespace khaacho::app {

/// Builds a probe; `expected` are the migration files this binary ships.
/// Blocks the calling (non-CAF) thread for at most `timeout`.
http::readiness_probe make_readiness_probe(caf::actor_system& sys, db_pool_actor pool,
                                           std::vector<model::migration_file> expected,
                                           std::chrono::milliseconds timeout);

}  // namespace khaacho::app
