// A cluster node's heartbeat (the value of its Redis key with a TTL), what
// /admin/cluster and /admin/actors?scope=cluster on any node read. Encoding
// and decoding are pure; the TTL of the key is what marks a node dead.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace khaacho::model {

/// One live supervisor, compactly: enough for a cluster-wide actor listing.
struct heartbeat_supervisor {
  std::string order_id;
  std::string stage;
  std::string state;  ///< waiting | running | backoff | writing
  int32_t attempt = 0;
  int64_t since_ms = 0;
};

struct node_heartbeat {
  std::string node;
  std::string address;   ///< host:port of its HTTP server ("" when none)
  std::string version;
  std::string role;      ///< serve | worker
  std::string consumer;  ///< its consumer name in the stream's group
  int64_t capacity = 0;  ///< max in-flight orders (0: runs no pipeline)
  int64_t in_flight = 0;
  int64_t started_ms = 0;  ///< epoch ms of the node's start
  int64_t sent_ms = 0;     ///< epoch ms of this heartbeat
  bool redis_reads = true;  ///< false while its stream reads fail (then it claims locally)
  std::vector<heartbeat_supervisor> supervisors;
  bool truncated = false;  ///< more supervisors lived than the heartbeat carries
};

/// Most supervisors one heartbeat carries (keeps the value around 100 KB).
inline constexpr size_t max_heartbeat_supervisors = 1500;

/// JSON; supervisors as arrays [orderId, stage, state, attempt, sinceMs],
/// cut at max_heartbeat_supervisors (stably sorted by order id first, so the cut is stable).
std::string encode_heartbeat(node_heartbeat hb);

/// nullopt for anything that is not a heartbeat this version wrote.
std::optional<node_heartbeat> decode_heartbeat(const std::string& json);

}  // namespace khaacho::model
