// Blocking calls into the database pool for threads that are NOT CAF
// scheduler threads (httplib handlers, CLI code, detached actors): each call
// waits on a temporary scoped actor, bounded by `timeout`.
#pragma once

#include <chrono>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include "actors/db_protocol.hpp"

namespace khaacho {

class db_client {
public:
  db_client(caf::actor_system& sys, db_pool_actor pool, std::chrono::milliseconds timeout)
    : sys_(&sys), pool_(std::move(pool)), timeout_(timeout) {
  }

  /// One statement. Errors: those of the pool, or caf::sec::request_timeout.
  caf::expected<db::pg_result> query(db::pg_statement stmt) const;

  /// All statements in one transaction.
  caf::expected<std::vector<db::pg_result>> transact(std::vector<db::pg_statement> stmts) const;

  const db_pool_actor& pool() const noexcept { return pool_; }

private:
  caf::actor_system* sys_;
  db_pool_actor pool_;
  std::chrono::milliseconds timeout_;
};

}  // namespace khaacho
