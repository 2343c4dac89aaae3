#include "app/stop_actors.hpp"

#include <thread>

#include <caf/actor_registry.hpp>
#include <caf/after.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

namespace khaacho::app {

size_t stop_and_wait(caf::actor_system& sys, const std::vector<caf::actor>& actors,
                     std::chrono::milliseconds timeout) {
  caf::scoped_actor self{sys};
  size_t running = 0;
  for (const auto& a : actors)
    if (a) {
      self->monitor(a);
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
      ++running;
    }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      break;
    bool timed_out = false;
    self->receive([&](caf::down_msg&) { --running; },
                  caf::after(left) >> [&] { timed_out = true; });
    if (timed_out)
      break;
  }
  return running;
}

size_t await_actors_done(caf::actor_system& sys, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto running = sys.registry().running();
    if (running == 0 || std::chrono::steady_clock::now() >= deadline)
      return running;
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
}

}  // namespace khaacho::app
