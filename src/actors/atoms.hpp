// Every atom of the actor system, in one place so a duplicate text is visible.
// Atom texts are at most 10 characters.
#pragma once

#include <caf/atom.hpp>

namespace khaacho {

using query_atom = caf::atom_constant<caf::atom("query")>;
using transact_atom = caf::atom_constant<caf::atom("transact")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;
using reload_atom = caf::atom_constant<caf::atom("reload")>;  // catalog watcher: look now

// The order pipeline.
using run_atom = caf::atom_constant<caf::atom("run")>;            // gate/stage: run an attempt
using started_atom = caf::atom_constant<caf::atom("started")>;    // gate → supervisor: dispatched
using accepted_atom = caf::atom_constant<caf::atom("accepted")>;  // upload → registry
using claim_atom = caf::atom_constant<caf::atom("claim")>;        // registry: claim orders now
using tick_atom = caf::atom_constant<caf::atom("tick")>;          // periodic self-message
using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;  // inspection
using retry_atom = caf::atom_constant<caf::atom("retry")>;        // operator: retry FAILED
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;      // operator: cancel
using run_now_atom = caf::atom_constant<caf::atom("runnow")>;     // operator: skip backoff
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;  // graceful stop
using state_atom = caf::atom_constant<caf::atom("state")>;        // supervisor → registry
using pause_atom = caf::atom_constant<caf::atom("pause")>;        // gate: hold dispatching
using resume_atom = caf::atom_constant<caf::atom("resume")>;      // gate: release
using dispatch_atom = caf::atom_constant<caf::atom("dispatch")>;  // gate: try dispatching
using next_atom = caf::atom_constant<caf::atom("next")>;          // supervisor: next step

// Cluster mode (Redis Streams).
using fetch_atom = caf::atom_constant<caf::atom("fetch")>;        // registry → stream consumer
using publish_atom = caf::atom_constant<caf::atom("publish")>;    // an order for the stream
using ack_atom = caf::atom_constant<caf::atom("ack")>;            // entries of finished orders
using cluster_atom = caf::atom_constant<caf::atom("cluster")>;    // read every node's heartbeat
using join_atom = caf::atom_constant<caf::atom("join")>;          // link: the registry to report

}  // namespace khaacho
