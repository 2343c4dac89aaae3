#include "adapters/redis/order_stream.hpp"

#include "common/errc.hpp"
#include "model/uuid.hpp"

namespace khaacho::redis {

namespace {

/// [id, [field, value, ...]] → entry; a nil entry (deleted) gives nothing.
bool parse_entry(const reply& r, stream_entry& out) {
  if (r.type != reply::kind::array || r.elements.size() != 2)
    return false;
  out.entry_id = r.elements[0].str;
  out.order_id.clear();
  const auto& fields = r.elements[1].elements;
  for (size_t i = 0; i + 1 < fields.size(); i += 2)
    if (fields[i].str == "order" && model::is_uuid(fields[i + 1].str))
      out.order_id = model::lowercase_uuid(fields[i + 1].str);
  return !out.entry_id.empty();
}

void parse_entries(const reply& list, std::vector<stream_entry>& out) {
  for (const auto& e : list.elements) {
    stream_entry entry;
    if (parse_entry(e, entry))
      out.push_back(std::move(entry));
  }
}

}  // namespace

order_stream::order_stream(model::redis_endpoint endpoint, stream_names names,
                           std::string consumer, client_options options)
  : names_(std::move(names)), consumer_(std::move(consumer)) {
  // Stream and group are made on every (re)connect: a Redis that restarted
  // without its data has neither. Starting the group at 0 rather than $
  // means entries added before it existed are still delivered.
  auto stream = names_.stream;
  auto group = names_.group;
  options.on_connect = [stream, group](client& c) -> caf::expected<void> {
    auto r = c.command({"XGROUP", "CREATE", stream, group, "0", "MKSTREAM"});
    if (!r && !(has_code(r.error(), errc::upstream_rejected)
                && describe(r.error()).find("BUSYGROUP") != std::string::npos))
      return r.error();
    return caf::unit;
  };
  client_ = std::make_unique<client>(std::move(endpoint), std::move(options));
}

caf::expected<reply> order_stream::checked(const std::vector<std::string>& args,
                                           std::chrono::milliseconds timeout) {
  auto r = client_->command(args, timeout);
  // NOGROUP: the stream vanished under a live connection (deleted, or a
  // failover to an empty replica); reconnecting re-creates it.
  if (!r && has_code(r.error(), errc::upstream_rejected)
      && describe(r.error()).find("NOGROUP") != std::string::npos)
    client_->disconnect();
  return r;
}

caf::expected<std::string> order_stream::publish(const std::string& order_id) {
  auto r = checked({"XADD", names_.stream, "MAXLEN", "~", std::to_string(names_.max_len), "*",
                    "order", order_id});
  if (!r)
    return r.error();
  return r->str;
}

caf::expected<std::vector<stream_entry>> order_stream::read(int64_t count,
                                                            std::chrono::milliseconds block) {
  std::vector<std::string> args{"XREADGROUP", "GROUP", names_.group, consumer_, "COUNT",
                                std::to_string(count)};
  if (block.count() > 0) {
    args.push_back("BLOCK");
    args.push_back(std::to_string(block.count()));
  }
  args.insert(args.end(), {"STREAMS", names_.stream, ">"});
  // The socket must outwait the server-side BLOCK.
  auto r = checked(args, block + std::chrono::milliseconds{2000});
  if (!r)
    return r.error();
  std::vector<stream_entry> out;
  // nil on timeout; else [[stream, [entries...]]]
  for (const auto& s : r->elements)
    if (s.elements.size() == 2)
      parse_entries(s.elements[1], out);
  return out;
}

caf::expected<std::vector<stream_entry>> order_stream::reclaim(int64_t count,
                                                               std::chrono::milliseconds min_idle) {
  auto r = checked({"XAUTOCLAIM", names_.stream, names_.group, consumer_,
                    std::to_string(min_idle.count()), reclaim_cursor_, "COUNT",
                    std::to_string(count)});
  if (!r)
    return r.error();
  std::vector<stream_entry> out;
  // [next cursor, [entries], [deleted ids]] (Redis 7; 6.2 has no third part)
  if (r->elements.size() >= 2) {
    reclaim_cursor_ = r->elements[0].str.empty() ? "0-0" : r->elements[0].str;
    parse_entries(r->elements[1], out);
  }
  return out;
}

caf::expected<int64_t> order_stream::ack(const std::vector<std::string>& entry_ids) {
  if (entry_ids.empty())
    return int64_t{0};
  std::vector<std::string> args{"XACK", names_.stream, names_.group};
  args.insert(args.end(), entry_ids.begin(), entry_ids.end());
  auto r = checked(args);
  if (!r)
    return r.error();
  return r->integer;
}

caf::expected<int64_t> order_stream::prune_consumers(std::chrono::milliseconds idle) {
  auto r = checked({"XINFO", "CONSUMERS", names_.stream, names_.group});
  if (!r)
    return r.error();
  int64_t pruned = 0;
  for (const auto& c : r->elements) {
    std::string name;
    int64_t pending = -1;
    int64_t idle_ms = -1;
    for (size_t i = 0; i + 1 < c.elements.size(); i += 2) {
      const auto& key = c.elements[i].str;
      if (key == "name")
        name = c.elements[i + 1].str;
      else if (key == "pending")
        pending = c.elements[i + 1].integer;
      else if (key == "idle")
        idle_ms = c.elements[i + 1].integer;
    }
    if (name.empty() || name == consumer_ || pending != 0 || idle_ms < idle.count())
      continue;
    if (checked({"XGROUP", "DELCONSUMER", names_.stream, names_.group, name}))
      ++pruned;
  }
  return pruned;
}

caf::expected<void> order_stream::put_heartbeat(const std::string& node, const std::string& value,
                                                std::chrono::milliseconds ttl) {
  auto r = checked({"SET", names_.heartbeat_prefix + node, value, "PX",
                    std::to_string(std::max<int64_t>(1, ttl.count()))});
  if (!r)
    return r.error();
  return caf::unit;
}

caf::expected<void> order_stream::drop_heartbeat(const std::string& node) {
  auto r = checked({"DEL", names_.heartbeat_prefix + node});
  if (!r)
    return r.error();
  return caf::unit;
}

caf::expected<std::vector<std::string>> order_stream::heartbeats() {
  std::vector<std::string> keys;
  std::string cursor = "0";
  do {
    auto r = checked({"SCAN", cursor, "MATCH", names_.heartbeat_prefix + "*", "COUNT", "1000"});
    if (!r)
      return r.error();
    if (r->elements.size() != 2)
      break;
    cursor = r->elements[0].str;
    for (const auto& k : r->elements[1].elements)
      keys.push_back(k.str);
  } while (cursor != "0");
  std::vector<std::string> out;
  if (keys.empty())
    return out;
  std::vector<std::string> args{"MGET"};
  args.insert(args.end(), keys.begin(), keys.end());
  auto r = checked(args);
  if (!r)
    return r.error();
  for (const auto& v : r->elements)
    if (v.type == reply::kind::string)
      out.push_back(v.str);
  return out;
}

}  // namespace khaacho::redis
