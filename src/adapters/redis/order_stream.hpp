// The cluster's Redis side (DESIGN.md "Cluster mode"): the stream of
// accepted orders read through one consumer group, and the nodes' heartbeat
// keys. Redis only distributes: an entry names an order, the database lease
// decides who owns it. BLOCKING like the client below it: detached actors only.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "adapters/redis/redis_client.hpp"

namespace khaacho::redis {

struct stream_names {
  std::string stream = "khaacho:orders";
  std::string group = "khaacho";
  std::string heartbeat_prefix = "khaacho:node:";
  /// XADD trims to about this many entries (MAXLEN ~): entries cut before
  /// anyone read them are rescued by the database sweep.
  int64_t max_len = 100000;
};

/// One stream entry: its id (for XACK) and the order it names ("" when the
/// entry carried no order: acknowledge and forget it).
struct stream_entry {
  std::string entry_id;
  std::string order_id;
};

class order_stream {
public:
  /// `consumer` must be unique per node start, so a restarted node never
  /// inherits its previous run's pending entries (others reclaim them).
  order_stream(model::redis_endpoint endpoint, stream_names names, std::string consumer,
               client_options options = {});

  /// XADD with MAXLEN ~; answers the entry id.
  caf::expected<std::string> publish(const std::string& order_id);

  /// XREADGROUP of at most `count` new entries, waiting up to `block` when
  /// there are none (0: do not wait). Empty on timeout.
  caf::expected<std::vector<stream_entry>> read(int64_t count, std::chrono::milliseconds block);

  /// XAUTOCLAIM of at most `count` entries pending longer than `min_idle`
  /// in any consumer (the dead nodes' entries), walking the pending list
  /// with a cursor kept between calls.
  caf::expected<std::vector<stream_entry>> reclaim(int64_t count, std::chrono::milliseconds min_idle);

  /// XACK; answers how many were still pending.
  caf::expected<int64_t> ack(const std::vector<std::string>& entry_ids);

  /// Deletes consumers of the group that hold nothing and were idle longer
  /// than `idle` (every node start adds one). Answers how many went.
  caf::expected<int64_t> prune_consumers(std::chrono::milliseconds idle);

  /// SET <prefix><node> value PX ttl / DEL it.
  caf::expected<void> put_heartbeat(const std::string& node, const std::string& value,
                                    std::chrono::milliseconds ttl);
  caf::expected<void> drop_heartbeat(const std::string& node);

  /// Every heartbeat value present (SCAN over the prefix, then MGET).
  caf::expected<std::vector<std::string>> heartbeats();

  const std::string& consumer() const noexcept { return consumer_; }
  int64_t commands_sent() const noexcept { return client_->commands_sent(); }
  bool connected() const noexcept { return client_->connected(); }

private:
  caf::expected<reply> checked(const std::vector<std::string>& args,
                               std::chrono::milliseconds timeout = std::chrono::milliseconds{0});

  stream_names names_;
  std::string consumer_;
  std::string reclaim_cursor_ = "0-0";
  std::unique_ptr<client> client_;
};

}  // namespace khaacho::redis
