// A pipeline node with test stages, run as a child process by tests that
// kill -9 it, start two at once, or stop it with SIGTERM. Configured by
// environment:
//   KHAACHO_TEST_NODE        node id (its presence selects this mode)
//   DATABASE_URL             a migrated database with table test_stage_effects
//   KHAACHO_TEST_LATENCY_MS  work time of every stage (default 20)
//   KHAACHO_TEST_FAIL_STAGE  a stage whose first attempt fails transiently
//   KHAACHO_TEST_BACKOFF_MS  initial backoff of every stage (default 50)
//   KHAACHO_TEST_LEASE_S     lease duration (default 5)
//   KHAACHO_TEST_IN_FLIGHT   max in-flight orders (default 50)
//   KHAACHO_TEST_WORKERS     workers (database connections) per stage (default 8)
//   REDIS_URL                join the cluster (stream consumer, link, heartbeats every 1 s)
//   KHAACHO_TEST_UPLOADS     store this many orders after start and hand each
//                            on as serve's upload path does (stream or registry)
//   KHAACHO_TEST_UPLOAD_EVERY_MS  pause between those uploads (default 0)
// Every stage call counts itself in test_stage_effects (order, stage).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "support/child_process.hpp"

namespace khaacho::test {

/// The SQL that creates the effects table the node writes to.
extern const char* const test_stage_effects_ddl;

int run_test_node();

/// Starts this test binary as test node `node` with `env` (DATABASE_URL and
/// the settings above) and waits up to 30 s for it to report ready.
/// Throws std::runtime_error, with the node's output, when it does not.
std::unique_ptr<child_process> start_test_node(const std::string& node,
                                               std::map<std::string, std::string> env);

}  // namespace khaacho::test
