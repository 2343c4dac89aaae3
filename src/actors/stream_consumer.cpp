#include "actors/stream_consumer.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/cluster_protocol.hpp"
#include "common/errc.hpp"
#include "common/log.hpp"

namespace khaacho {

namespace {

struct stream_consumer_state {
  stream_consumer_config cfg;
  std::unique_ptr<redis::order_stream> stream;
  std::chrono::steady_clock::time_point next_reclaim{};
  std::chrono::steady_clock::time_point next_prune{};
  bool reachable = true;
  static inline const char* name = "stream_consumer";
};

using consumer = caf::stateful_actor<stream_consumer_state>*;

/// Logs only the changes between reachable and not, not every failed call.
void note(consumer self, const caf::expected<std::vector<redis::stream_entry>>& r) {
  auto& st = self->state;
  if (!r && st.reachable) {
    st.reachable = false;
    log::warn("order stream unreachable; claiming from the database until it returns",
              {{"redis", model::redact_redis_url("redis://" + st.cfg.endpoint.host + ":"
                                                 + std::to_string(st.cfg.endpoint.port))},
               {"error", describe(r.error())}});
  } else if (r && !st.reachable) {
    st.reachable = true;
    log::info("order stream reachable again", {{"consumer", st.cfg.consumer}});
  }
}

caf::expected<std::vector<redis::stream_entry>> fetch(consumer self, int64_t count) {
  auto& st = self->state;
  std::vector<redis::stream_entry> out;
  if (count <= 0)
    return out;
  auto now = std::chrono::steady_clock::now();
  if (now >= st.next_reclaim) {
    st.next_reclaim = now + st.cfg.reclaim_interval;
    auto taken = st.stream->reclaim(count, st.cfg.reclaim_idle);
    if (!taken)
      return taken.error();
    if (!taken->empty())
      log::info("reclaimed stream entries idle past the lease time",
                {{"entries", std::to_string(taken->size())}, {"consumer", st.cfg.consumer}});
    out = std::move(*taken);
  }
  if (static_cast<int64_t>(out.size()) < count) {
    // Wait for new entries only when there is nothing to hand over yet.
    auto fresh = st.stream->read(count - static_cast<int64_t>(out.size()),
                                 out.empty() ? st.cfg.block : std::chrono::milliseconds{0});
    if (!fresh) {
      if (out.empty())
        return fresh.error();
    } else {
      out.insert(out.end(), fresh->begin(), fresh->end());
    }
  }
  if (now >= st.next_prune) {
    // Every node start adds a consumer; forget the ones that hold nothing.
    st.next_prune = now + std::chrono::minutes{10};
    auto idle = std::max<std::chrono::milliseconds>(std::chrono::minutes{10}, st.cfg.reclaim_idle * 10);
    (void)st.stream->prune_consumers(idle);
  }
  return out;
}

}  // namespace

caf::actor spawn_stream_consumer(caf::actor_system& sys, stream_consumer_config cfg) {
  return sys.spawn<caf::detached>([cfg = std::move(cfg)](consumer self) -> caf::behavior {
    auto& st = self->state;
    st.cfg = cfg;
    redis::client_options opts;
    opts.command_timeout = std::chrono::milliseconds{2000};
    st.stream = std::make_unique<redis::order_stream>(cfg.endpoint, cfg.names, cfg.consumer, opts);
    st.next_prune = std::chrono::steady_clock::now() + std::chrono::minutes{1};
    return {
      [self](fetch_atom, int64_t count) -> caf::result<std::vector<redis::stream_entry>> {
        auto r = fetch(self, count);
        note(self, r);
        if (!r)
          return r.error();
        return std::move(*r);
      },
    };
  });
}

}  // namespace khaacho
