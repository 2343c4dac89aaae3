#include "actors/cluster_link.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/cluster_protocol.hpp"
#include "actors/order_registry.hpp"
#include "common/errc.hpp"
#include "common/log.hpp"
#include "model/node_heartbeat.hpp"

namespace khaacho {

namespace {

struct cluster_link_state {
  cluster_link_config cfg;
  caf::actor registry;
  std::unique_ptr<redis::order_stream> stream;
  bool publishing = true;  ///< last XADD worked (logs only the changes)
  bool beating = false;    ///< a heartbeat is being gathered
  static inline const char* name = "cluster_link";
};

using link = caf::stateful_actor<cluster_link_state>*;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

void write_heartbeat(link self, const registry_stats& stats,
                     const std::vector<supervisor_snapshot>& snaps) {
  auto& st = self->state;
  model::node_heartbeat hb;
  hb.node = st.cfg.node;
  hb.address = st.cfg.address;
  hb.version = KHAACHO_VERSION;
  hb.role = st.cfg.role;
  hb.consumer = st.cfg.consumer;
  hb.capacity = stats.max_in_flight;
  hb.in_flight = stats.in_flight;
  hb.started_ms = st.cfg.started_ms;
  hb.sent_ms = now_ms();
  hb.supervisors.reserve(snaps.size());
  for (const auto& s : snaps)
    hb.supervisors.push_back({s.order_id, s.stage, s.state, s.attempt, s.since_ms});
  // Three intervals: one lost heartbeat does not make a node look dead.
  auto r = st.stream->put_heartbeat(st.cfg.node, model::encode_heartbeat(std::move(hb)),
                                    st.cfg.heartbeat_interval * 3);
  if (!r)
    log::debug("heartbeat not written", {{"error", describe(r.error())}});
}

void beat(link self) {
  auto& st = self->state;
  if (st.beating)
    return;
  if (!st.registry) {
    write_heartbeat(self, registry_stats{}, {});
    return;
  }
  st.beating = true;
  auto timeout = st.cfg.heartbeat_interval;
  self->request(st.registry, timeout, stats_atom::value)
    .then(
      [self, timeout](registry_stats& stats) {
        self->request(self->state.registry, timeout, snapshot_atom::value)
          .then(
            [self, stats](std::vector<supervisor_snapshot>& snaps) {
              self->state.beating = false;
              write_heartbeat(self, stats, snaps);
            },
            [self](caf::error&) { self->state.beating = false; });
      },
      [self](caf::error&) { self->state.beating = false; });
}

}  // namespace

caf::actor spawn_cluster_link(caf::actor_system& sys, cluster_link_config cfg) {
  return sys.spawn<caf::detached>([cfg = std::move(cfg)](link self) -> caf::behavior {
    auto& st = self->state;
    st.cfg = cfg;
    st.stream = std::make_unique<redis::order_stream>(cfg.endpoint, cfg.names, cfg.consumer);
    self->send(self, tick_atom::value);
    return {
      [self](publish_atom, const std::string& order_id) {
        auto& st = self->state;
        auto r = st.stream->publish(order_id);
        if (r) {
          if (!st.publishing)
            log::info("order stream takes new orders again", {{"node", st.cfg.node}});
          st.publishing = true;
          return;
        }
        if (st.publishing)
          log::warn("order stream unreachable; new orders are processed on this node",
                    {{"node", st.cfg.node}, {"error", describe(r.error())}});
        st.publishing = false;
        // The order is a PROCESSING row already: the local registry (or,
        // without one, any node's database sweep) claims it.
        if (st.registry)
          self->send(st.registry, claim_atom::value);
      },
      [self](ack_atom, const std::vector<std::string>& entries) {
        auto r = self->state.stream->ack(entries);
        if (!r)
          log::debug("XACK failed; the entries are reclaimed later",
                     {{"entries", std::to_string(entries.size())}, {"error", describe(r.error())}});
      },
      [self](tick_atom) {
        self->delayed_send(self, self->state.cfg.heartbeat_interval, tick_atom::value);
        beat(self);
      },
      [self](join_atom, caf::actor registry) {
        self->state.registry = std::move(registry);
        beat(self);  // show the capacity at once, not an interval later
      },
      [self](cluster_atom) -> caf::result<std::vector<std::string>> {
        auto r = self->state.stream->heartbeats();
        if (!r)
          return r.error();
        return std::move(*r);
      },
      [self](shutdown_atom) {
        auto r = self->state.stream->drop_heartbeat(self->state.cfg.node);
        return static_cast<bool>(r);
      },
    };
  });
}

}  // namespace khaacho
