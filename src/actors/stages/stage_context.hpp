// What the production stages share: the actor system and database pool
// (stage workers are detached actors, so they may wait on the pool), the
// settings and the in-memory catalog.
#pragma once

#include <chrono>

#include <caf/actor_system.hpp>

#include "actors/db_call.hpp"
#include "actors/db_protocol.hpp"
#include "config/settings.hpp"
#include "services/catalog_holder.hpp"

namespace khaacho::stages {

struct stage_context {
  caf::actor_system* sys = nullptr;
  db_pool_actor pool;
  config::settings settings;
  /// The in-memory catalog the normalizer matches against (kept current by
  /// the catalog watcher).
  std::shared_ptr<services::catalog_holder> catalog;
  /// This node's name (claims of outbox rows carry it).
  std::string node;

  db_client db() const {
    return db_client{*sys, pool, settings.database.statement_timeout + std::chrono::seconds{5}};
  }
};

}  // namespace khaacho::stages
