// Throughput of the database pool actor against the machine's own ceiling:
// the same statement on raw libpq connections, one thread per connection,
// measured in the same run. Usage: DATABASE_URL=... db_pool_bench [seconds] [pool-size]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/db_pool.hpp"
#include "common/errc.hpp"

using namespace khaacho;
using clock_type = std::chrono::steady_clock;

namespace {

const char* statement = "SELECT $1::int + 1 AS n";

/// Ceiling: `conns` threads, each with its own connection, back to back.
double raw_libpq_rate(const std::string& url, int conns, std::chrono::seconds span) {
  std::atomic<int64_t> done{0};
  std::vector<std::thread> threads;
  auto until = clock_type::now() + span;
  for (int i = 0; i < conns; ++i)
    threads.emplace_back([&] {
      auto c = db::pg_connection::open(url);
      if (!c) {
        std::fprintf(stderr, "connect: %s\n", describe(c.error()).c_str());
        return;
      }
      int64_t n = 0;
      while (clock_type::now() < until)
        if (c->exec(statement, db::pg_params(1)))
          ++n;
      done += n;
    });
  for (auto& t : threads)
    t.join();
  return static_cast<double>(done) / static_cast<double>(span.count());
}

/// Through the pool: `callers` actors each keep one request outstanding.
double pool_rate(caf::actor_system& sys, db_pool_actor pool, int callers,
                 std::chrono::seconds span) {
  auto done = std::make_shared<std::atomic<int64_t>>(0);
  auto until = clock_type::now() + span;
  auto finished = std::make_shared<std::atomic<int>>(0);
  for (int i = 0; i < callers; ++i)
    sys.spawn([=](caf::event_based_actor* self) {
      auto step = std::make_shared<std::function<void()>>();
      *step = [=] {
        if (clock_type::now() >= until) {
          ++*finished;
          self->quit();
          return;
        }
        self->request(pool, std::chrono::seconds{30}, query_atom::value,
                      db::pg_statement{statement, db::pg_params(1)})
          .then([=](db::pg_result&) { ++*done; (*step)(); },
                [=](caf::error&) { (*step)(); });
      };
      (*step)();
    });
  while (finished->load() < callers)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  return static_cast<double>(*done) / static_cast<double>(span.count());
}

}  // namespace

int main(int argc, char** argv) {
  const char* url = std::getenv("DATABASE_URL");
  if (url == nullptr) {
    std::fprintf(stderr, "set DATABASE_URL\n");
    return 2;
  }
  auto span = std::chrono::seconds{argc > 1 ? std::atoi(argv[1]) : 5};
  int size = argc > 2 ? std::atoi(argv[2]) : 4;
  caf::actor_system_config cfg;
  cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys{cfg};
  auto pool = sys.spawn(db_pool, db_pool_config{url, size, db::pg_options{}});
  auto ceiling = raw_libpq_rate(url, size, span);
  auto through_pool = pool_rate(sys, pool, size * 4, span);
  caf::scoped_actor self{sys};
  db_pool_stats stats;
  self->request(pool, std::chrono::seconds{5}, stats_atom::value)
    .receive([&](db_pool_stats& s) { stats = s; }, [](caf::error&) {});
  std::printf("connections=%d seconds=%lld\n", size, static_cast<long long>(span.count()));
  std::printf("raw libpq (ceiling)  : %10.0f statements/s\n", ceiling);
  std::printf("through db_pool actor: %10.0f statements/s (%.1f %% of ceiling)\n", through_pool,
              100.0 * through_pool / ceiling);
  std::printf("pool wait: mean %.0f us, max %lld us over %lld requests\n",
              stats.served ? static_cast<double>(stats.wait_us_total) / static_cast<double>(stats.served) : 0.0,
              static_cast<long long>(stats.wait_us_max), static_cast<long long>(stats.served));
  caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
  return 0;
}
