// Stopping the background actors of a node (image sweeper, catalog watcher,
// webhook sender, ...) before the database pool. They are detached actors
// that may be waiting on the pool when the stop comes: killing the pool
// first leaves such a request unanswered until its timeout (statement
// timeout + 5 s, seen as a 30 s hang at SIGTERM).
#pragma once

#include <chrono>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

namespace khaacho::app {

/// Sends every actor an exit message and waits until all are down or
/// `timeout` passed (BLOCKS; call from main, never from an actor). Returns
/// how many were still running at the timeout.
size_t stop_and_wait(caf::actor_system& sys, const std::vector<caf::actor>& actors,
                     std::chrono::milliseconds timeout);

/// Waits until no actor of `sys` runs any more, or `timeout` passed
/// (BLOCKS; call from main after every actor was told to stop). Returns how
/// many still run. Why: CAF 0.17's ~actor_system stops the clock thread
/// before it joins detached actors, and an actor finalizing after that
/// pushes its timer cancellations into the clock's 64-slot ring buffer:
/// with more than 64 of them the push blocks forever (seen as a test
/// process hanging in await_detached_threads).
size_t await_actors_done(caf::actor_system& sys, std::chrono::milliseconds timeout);

}  // namespace khaacho::app
