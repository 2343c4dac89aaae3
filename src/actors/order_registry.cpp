#include "actors/order_registry.hpp"

#include <unordered_map>

#include <caf/event_based_actor.hpp>
#include <caf/result.hpp>
#include <caf/stateful_actor.hpp>
#include <simdjson.h>

#include "actors/cluster_protocol.hpp"
#include "actors/inspect_db.hpp"
#include "adapters/db/order_statements.hpp"
#include "common/log.hpp"

namespace khaacho {

namespace {

struct live_order {
  caf::actor supervisor;
  supervisor_snapshot snapshot;
  std::string entry_id;  ///< the stream entry it came from (cluster mode), acknowledged at the end
};

struct registry_state {
  registry_config cfg;
  std::unordered_map<std::string, live_order> live;
  std::unordered_map<caf::actor_addr, std::string> by_address;
  bool claiming = false;
  bool claim_again = false;
  bool accepting = true;
  bool released = false;
  bool stream_readable = true;  ///< last fetch worked (logs only the changes)
  caf::response_promise shutdown_promise;
  std::chrono::steady_clock::time_point last_renewal = std::chrono::steady_clock::now();
  registry_stats stats;
};

using registry = caf::stateful_actor<registry_state>*;

const supervisor_config& sup_cfg(registry self) {
  return *self->state.cfg.supervisors;
}

/// Parses the claim statement's JSON columns; a malformed value (impossible
/// unless the schema changed) leaves the map empty, and the supervisor then
/// redoes stages whose checkpoint it cannot see.
void parse_claim_json(const std::string& checkpoints, const std::string& attempts,
                      claimed_order& out) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (!parser.parse(checkpoints).get(obj))
    for (auto field : obj)
      out.checkpoints[std::string{field.key}] = simdjson::minify(field.value);
  simdjson::dom::parser parser2;
  if (!parser2.parse(attempts).get(obj))
    for (auto field : obj) {
      simdjson::dom::array pair;
      int64_t max_no = 0;
      int64_t round = 0;
      if (!field.value.get(pair) && pair.size() == 2 && !pair.at(0).get(max_no)
          && !pair.at(1).get(round))
        out.attempts[std::string{field.key}] = {static_cast<int32_t>(max_no),
                                                static_cast<int32_t>(round)};
    }
}

void release_and_reply(registry self);

void claim(registry self);

/// Spawns a supervisor for each claimed row; answers the ids it spawned.
std::vector<std::string> adopt(registry self, db::pg_result& rows,
                               const std::unordered_map<std::string, std::string>& entries) {
  auto& st = self->state;
  std::vector<std::string> spawned;
  for (size_t i = 0; i < rows.size(); ++i) {
    auto row = rows.row(i);
    claimed_order order;
    order.id = row.get<std::string>("id");
    order.retailer_id = row.get<std::string>("retailer_id");
    order.lease_epoch = row.get<int64_t>("lease_epoch");
    order.round_started_ms = row.get<int64_t>("round_started_ms");
    order.wait_ms = row.get<int64_t>("wait_ms");
    // The claim row has it already: the supervisor need not look it up.
    order.trace_id = row.get_optional<std::string>("trace_id").value_or("");
    parse_claim_json(row.get<std::string>("checkpoints"), row.get<std::string>("attempts"), order);
    if (!st.accepting || st.live.count(order.id))
      continue;  // released at shutdown / already ours
    auto id = order.id;
    live_order lo;
    lo.snapshot.order_id = id;
    lo.snapshot.retailer_id = order.retailer_id;
    lo.snapshot.node = sup_cfg(self).node;
    lo.snapshot.state = "waiting";
    if (auto e = entries.find(id); e != entries.end())
      lo.entry_id = e->second;
    lo.supervisor = spawn_order_supervisor(self->system(), st.cfg.supervisors,
                                           caf::actor_cast<caf::actor>(self), std::move(order));
    self->monitor(lo.supervisor);
    st.by_address.emplace(lo.supervisor.address(), id);
    st.live.emplace(id, std::move(lo));
    ++st.stats.claimed;
    spawned.push_back(id);
  }
  return spawned;
}

/// Ends a claim round; another follows when asked for meanwhile or when
/// this one found work (more may be waiting).
void claimed(registry self, bool found) {
  auto& st = self->state;
  st.claiming = false;
  if (st.claim_again || found)
    claim(self);
}

/// Claims from the database: every waiting order (single node, or the
/// stream unreadable) or, in cluster mode, orphans only (`min_age` > 0).
void claim_from_database(registry self, int64_t limit, std::chrono::milliseconds min_age) {
  const auto& sc = sup_cfg(self);
  self->request(sc.pool, caf::infinite, query_atom::value,
                db::claim_orders(sc.node, sc.lease, limit, min_age))
    .then(
      [self](db::pg_result& rows) {
        auto n = adopt(self, rows, {}).size();
        claimed(self, n > 0);
      },
      [self](caf::error& e) {
        self->state.claiming = false;
        log::warn("claiming orders failed", {{"error", describe(e)}});
      });
}

/// Claims the orders of stream entries by id. Entries whose order is not
/// claimable (finished, or held by a live lease elsewhere) are acknowledged
/// now: the database is the truth, and its lease sweep covers the rest.
void claim_entries(registry self, std::vector<redis::stream_entry> entries, int64_t asked) {
  auto& st = self->state;
  std::unordered_map<std::string, std::string> by_order;
  std::vector<std::string> ids;
  std::vector<std::string> unusable;
  for (auto& e : entries) {
    if (e.order_id.empty() || by_order.count(e.order_id) || st.live.count(e.order_id)) {
      unusable.push_back(e.entry_id);
      continue;
    }
    by_order.emplace(e.order_id, e.entry_id);
    ids.push_back(e.order_id);
  }
  if (!unusable.empty())
    self->send(st.cfg.link, ack_atom::value, unusable);
  if (ids.empty())
    return claimed(self, true);
  const auto& sc = sup_cfg(self);
  auto drained = static_cast<int64_t>(entries.size()) < asked;
  self->request(sc.pool, caf::infinite, query_atom::value, db::claim_orders_by_id(sc.node, sc.lease, ids))
    .then(
      [self, by_order, drained](db::pg_result& rows) {
        auto& st = self->state;
        auto spawned = adopt(self, rows, by_order);
        std::vector<std::string> not_ours;
        auto left = by_order;
        for (const auto& id : spawned)
          left.erase(id);
        for (const auto& kv : left)
          not_ours.push_back(kv.second);
        if (!not_ours.empty())
          self->send(st.cfg.link, ack_atom::value, not_ours);
        auto free = st.cfg.max_in_flight - static_cast<int64_t>(st.live.size());
        // The stream had fewer than asked for: rescue orphans with the rest.
        if (drained && free > 0 && st.accepting)
          return claim_from_database(self, free, st.cfg.orphan_age);
        claimed(self, true);
      },
      [self](caf::error& e) {
        // The entries stay pending in this consumer: reclaimed after the lease time.
        self->state.claiming = false;
        log::warn("claiming streamed orders failed", {{"error", describe(e)}});
      });
}

/// Cluster mode: asks the stream consumer for at most `free` orders.
void fetch(registry self, int64_t free) {
  auto& st = self->state;
  self->request(st.cfg.stream, st.cfg.fetch_timeout, fetch_atom::value, free)
    .then(
      [self, free](std::vector<redis::stream_entry>& entries) {
        auto& st = self->state;
        st.stream_readable = true;
        if (!st.accepting)
          return claimed(self, false);  // left pending: reclaimed by others
        if (entries.empty())
          return claim_from_database(self, free, st.cfg.orphan_age);
        claim_entries(self, std::move(entries), free);
      },
      [self, free](caf::error&) {
        auto& st = self->state;
        st.stream_readable = false;
        if (!st.accepting)
          return claimed(self, false);
        // Redis is down: work as a single node (every node does, so the
        // database spreads the orders; its lease sweep rescues orphans).
        claim_from_database(self, free, std::chrono::milliseconds{0});
      });
}

void claim(registry self) {
  auto& st = self->state;
  if (!st.accepting)
    return;
  if (st.claiming) {
    st.claim_again = true;
    return;
  }
  auto free = st.cfg.max_in_flight - static_cast<int64_t>(st.live.size());
  if (free <= 0)
    return;
  st.claiming = true;
  st.claim_again = false;
  ++st.stats.claim_rounds;
  if (st.cfg.stream)
    return fetch(self, free);
  claim_from_database(self, free, std::chrono::milliseconds{0});
}

void renew(registry self) {
  auto& st = self->state;
  const auto& sc = sup_cfg(self);
  auto now = std::chrono::steady_clock::now();
  if (now - st.last_renewal < sc.lease / 3 || st.live.empty())
    return;
  st.last_renewal = now;
  std::vector<std::string> ids;
  ids.reserve(st.live.size());
  for (auto& kv : st.live)
    ids.push_back(kv.first);
  self->request(sc.pool, caf::infinite, query_atom::value, db::renew_leases(sc.node, ids, sc.lease))
    .then([](db::pg_result&) {},
          [](caf::error& e) { log::warn("lease renewal failed", {{"error", describe(e)}}); });
}

void release_and_reply(registry self) {
  auto& st = self->state;
  if (st.released)
    return;
  st.released = true;
  const auto& sc = sup_cfg(self);
  self->request(sc.pool, caf::infinite, query_atom::value, db::release_node_leases(sc.node))
    .then(
      [self](db::pg_result& r) {
        log::info("leases released", {{"orders", std::to_string(r.affected_rows)}});
        self->state.shutdown_promise.deliver(true);
        self->quit();
      },
      [self](caf::error& e) {
        // They expire on their own; the next owner waits for the lease time.
        log::warn("releasing leases failed", {{"error", describe(e)}});
        self->state.shutdown_promise.deliver(false);
        self->quit();
      });
}

/// Runs an operator statement; answers true when it applied.
caf::response_promise operator_action(registry self, db::pg_statement stmt,
                                      std::function<void(bool)> after) {
  auto promise = self->make_response_promise();
  const auto& sc = sup_cfg(self);
  self->request(sc.pool, caf::infinite, query_atom::value, std::move(stmt))
    .then(
      [promise, after](db::pg_result& r) mutable {
        bool applied = !r.empty();
        if (after)
          after(applied);
        promise.deliver(applied);
      },
      [promise](caf::error& e) mutable { promise.deliver(std::move(e)); });
  return promise;
}

}  // namespace

caf::actor spawn_order_registry(caf::actor_system& sys, registry_config cfg) {
  return sys.spawn([cfg = std::move(cfg)](registry self) -> caf::behavior {
    auto& st = self->state;
    st.cfg = cfg;
    self->set_down_handler([self](caf::down_msg& dm) {
      auto& st = self->state;
      auto it = st.by_address.find(dm.source);
      if (it == st.by_address.end())
        return;
      auto lo = st.live.find(it->second);
      // Acknowledged when the supervisor ended its work here (the order
      // finished, or another node's lease took it); not at shutdown, when
      // released orders are still to be done by someone.
      if (lo != st.live.end() && !lo->second.entry_id.empty() && st.accepting && st.cfg.link)
        self->send(st.cfg.link, ack_atom::value, std::vector<std::string>{lo->second.entry_id});
      st.live.erase(it->second);
      st.by_address.erase(it);
      ++st.stats.finished;
      if (!st.accepting) {
        if (st.live.empty())
          release_and_reply(self);
        return;
      }
      claim(self);
    });
    // Orders this node held before a crash or restart are ours to resume
    // now, not after their leases expire. No claim round may run before the
    // release has: it would release the leases that round just took (seen
    // as "lease lost" right after an upload at start-up). Holding `claiming`
    // defers every claim asked for meanwhile to the callback.
    const auto& sc = *cfg.supervisors;
    self->state.claiming = true;
    auto released = [self] {
      self->state.claiming = false;
      claim(self);
    };
    self->request(sc.pool, caf::infinite, query_atom::value, db::release_node_leases(sc.node))
      .then([released](db::pg_result&) { released(); },
            [released](caf::error& e) {
              log::warn("releasing earlier leases failed", {{"error", describe(e)}});
              released();
            });
    self->delayed_send(self, cfg.claim_interval, tick_atom::value);
    return {
      [self](tick_atom) {
        auto& st = self->state;
        if (!st.accepting)
          return;
        claim(self);
        renew(self);
        self->delayed_send(self, st.cfg.claim_interval, tick_atom::value);
      },
      [self](accepted_atom, const std::string&) { claim(self); },
      [self](claim_atom) { claim(self); },
      [self](state_atom, supervisor_snapshot& snap) {
        auto& st = self->state;
        auto it = st.live.find(snap.order_id);
        if (it != st.live.end())
          it->second.snapshot = std::move(snap);
      },
      [self](snapshot_atom) {
        std::vector<supervisor_snapshot> out;
        out.reserve(self->state.live.size());
        for (auto& kv : self->state.live)
          out.push_back(kv.second.snapshot);
        return out;
      },
      [self](stats_atom) {
        auto s = self->state.stats;
        s.in_flight = static_cast<int64_t>(self->state.live.size());
        s.accepting = self->state.accepting;
        s.max_in_flight = self->state.cfg.max_in_flight;
        return s;
      },
      [self](retry_atom, const std::string& order_id) {
        return operator_action(self, db::retry_failed_order(order_id),
                               [self, order_id](bool applied) {
                                 if (applied && self->state.cfg.link)
                                   self->send(self->state.cfg.link, publish_atom::value, order_id);
                                 else if (applied)
                                   claim(self);
                               });
      },
      [self](cancel_atom, const std::string& order_id) {
        return operator_action(self, db::cancel_processing_order(order_id),
                               [self, order_id](bool applied) {
                                 auto it = self->state.live.find(order_id);
                                 if (applied && it != self->state.live.end())
                                   self->send(it->second.supervisor, cancel_atom::value);
                               });
      },
      [self](run_now_atom, const std::string& order_id) -> caf::result<bool> {
        auto it = self->state.live.find(order_id);
        if (it != self->state.live.end()) {
          // Only a backoff can be skipped; a queued or running attempt
          // already is the next attempt.
          if (it->second.snapshot.state != "backoff")
            return false;
          self->send(it->second.supervisor, run_now_atom::value);
          return operator_action(self, db::run_order_now(order_id), nullptr);
        }
        // Not ours: waiting unowned in the database; claim it if we can.
        return operator_action(self, db::run_order_now(order_id), [self](bool applied) {
          if (applied)
            claim(self);
        });
      },
      [self](shutdown_atom) {
        auto& st = self->state;
        st.shutdown_promise = self->make_response_promise();
        st.accepting = false;
        for (auto& kv : st.live)
          self->send(kv.second.supervisor, shutdown_atom::value);
        if (st.live.empty())
          release_and_reply(self);
        return st.shutdown_promise;
      },
    };
  });
}

}  // namespace khaacho
