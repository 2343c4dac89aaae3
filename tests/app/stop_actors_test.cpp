// Background actors are stopped, and awaited, before the database pool goes.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>

#include "app/stop_actors.hpp"

using namespace khaacho;
using namespace std::chrono_literals;

namespace {

using work_atom = caf::atom_constant<caf::atom("work")>;

/// A detached actor busy in a blocking call when the stop arrives.
caf::behavior busy_worker(caf::event_based_actor* self) {
  return {[self](work_atom) { std::this_thread::sleep_for(300ms); }};
}

/// One that will not stop: it traps exit messages.
caf::behavior stubborn(caf::event_based_actor* self) {
  self->set_exit_handler([](caf::exit_msg&) {});
  return {[](work_atom) {}};
}

}  // namespace

TEST_CASE("stop_and_wait waits for a busy detached actor to finish and stop", "[app]") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto busy = sys.spawn<caf::detached>(busy_worker);
  auto idle = sys.spawn(busy_worker);
  caf::anon_send(busy, work_atom::value);
  std::this_thread::sleep_for(50ms);  // the busy one is inside its handler now
  auto t0 = std::chrono::steady_clock::now();
  CHECK(app::stop_and_wait(sys, {busy, idle, caf::actor{}}, 5s) == 0);
  auto waited = std::chrono::steady_clock::now() - t0;
  CHECK(waited >= 150ms);  // it did wait for the handler to return
  CHECK(waited < 3s);
}

TEST_CASE("stop_and_wait gives up at its timeout and says how many still run", "[app]") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto s = sys.spawn(stubborn);
  auto t0 = std::chrono::steady_clock::now();
  CHECK(app::stop_and_wait(sys, {s}, 200ms) == 1);
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  caf::anon_send_exit(s, caf::exit_reason::kill);
}
