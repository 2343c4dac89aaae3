// Reads the catalog out of PostgreSQL for the in-memory matcher. Blocking
// (db_client): call it from a detached actor or a non-scheduler thread.
#pragma once

#include <cstdint>
#include <memory>

#include <caf/expected.hpp>

#include "actors/db_call.hpp"
#include "services/catalog_holder.hpp"

namespace khaacho::services {

/// catalog_state.version: grows with every import that changed the catalog.
caf::expected<int64_t> catalog_version(const db_client& db);

/// Products with their aliases at one version, indexed. Reads the version
/// and the rows in one transaction so they agree.
caf::expected<std::shared_ptr<const catalog_snapshot>> load_catalog(const db_client& db);

}  // namespace khaacho::services
