// The blocking stage's front: a worker that answered an attempt with an error
// is free for the next attempt (found by the PostgreSQL outage chaos test).
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/blocking_stage.hpp"
#include "common/errc.hpp"

using namespace khaacho;
using namespace std::chrono_literals;

TEST_CASE("a blocking stage worker that failed an attempt takes the next ones", "[actors]") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto calls = std::make_shared<std::atomic<int>>(0);
  // One worker; its first two attempts fail (a database error, say).
  auto stage = spawn_blocking_stage(sys, "test", [calls]() -> stage_function {
    return [calls](const stage_request&, const std::atomic<bool>&) -> caf::expected<stage_result> {
      if (calls->fetch_add(1) < 2)
        return stage_failure(errc::db_unavailable, "test: database away", {});
      return stage_result{};
    };
  }, 1);
  caf::scoped_actor self{sys};
  int failed = 0, succeeded = 0, unanswered = 0;
  for (int i = 0; i < 4; ++i) {
    stage_request req;
    req.order_id = "order-" + std::to_string(i);
    req.stage = "test";
    self->request(stage, caf::duration{5s}, run_atom::value, req)
      .receive([&](stage_result&) { ++succeeded; },
               [&](caf::error& e) {
                 if (e == caf::sec::request_timeout)
                   ++unanswered;
                 else
                   ++failed;
               });
  }
  CHECK(unanswered == 0);
  CHECK(failed == 2);
  CHECK(succeeded == 2);
  self->send_exit(stage, caf::exit_reason::user_shutdown);
}
