// A stage whose work blocks (Tesseract, HTTP calls, libpq): a cooperative
// front actor hands each attempt to one of N detached workers, each with its
// own state built once (one TessBaseAPI per worker, one curl handle, ...).
// A worker that throws dies; the front notices (monitor), fails that attempt
// with an exit error (transient: the supervisor retries) and starts a new one.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include "actors/stage_protocol.hpp"

namespace khaacho {

/// One worker's function; `cancelled` turns true when the attempt was
/// abandoned, so long work can stop early. Runs on a dedicated thread.
using stage_function =
  std::function<caf::expected<stage_result>(const stage_request&, const std::atomic<bool>& cancelled)>;

/// Called once per worker thread to build that worker's function.
using stage_function_factory = std::function<stage_function()>;

/// Spawns the front actor and `workers` detached workers.
stage_actor spawn_blocking_stage(caf::actor_system& sys, std::string name,
                                 stage_function_factory factory, size_t workers);

}  // namespace khaacho
