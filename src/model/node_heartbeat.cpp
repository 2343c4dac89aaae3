#include "model/node_heartbeat.hpp"

#include <algorithm>

#include <simdjson.h>

#include "common/json_writer.hpp"

namespace khaacho::model {

std::string encode_heartbeat(node_heartbeat hb) {
  auto& sups = hb.supervisors;
  std::stable_sort(sups.begin(), sups.end(),
                   [](const auto& a, const auto& b) { return a.order_id < b.order_id; });
  if (sups.size() > max_heartbeat_supervisors) {
    sups.resize(max_heartbeat_supervisors);
    hb.truncated = true;
  }
  json_array list;
  for (const auto& s : sups) {
    json_array one;
    one.add(s.order_id).add(s.stage).add(s.state);
    one.add_raw(std::to_string(s.attempt)).add_raw(std::to_string(s.since_ms));
    list.add_raw(one.str());
  }
  json_object o;
  o.add("v", int64_t{1})
    .add("node", hb.node)
    .add("address", hb.address)
    .add("version", hb.version)
    .add("role", hb.role)
    .add("consumer", hb.consumer)
    .add("capacity", hb.capacity)
    .add("inFlight", hb.in_flight)
    .add("startedMs", hb.started_ms)
    .add("sentMs", hb.sent_ms)
    .add("redisReads", hb.redis_reads)
    .add("truncated", hb.truncated)
    .add_raw("supervisors", list.str());
  return o.str();
}

std::optional<node_heartbeat> decode_heartbeat(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  if (parser.parse(json).get(o))
    return std::nullopt;
  int64_t version = 0;
  if (o["v"].get(version) || version != 1)
    return std::nullopt;
  node_heartbeat hb;
  std::string_view sv;
  auto text = [&](const char* key, std::string& out) {
    if (o[key].get(sv))
      return false;
    out = std::string{sv};
    return true;
  };
  if (!text("node", hb.node) || !text("address", hb.address) || !text("version", hb.version)
      || !text("role", hb.role) || !text("consumer", hb.consumer))
    return std::nullopt;
  if (o["capacity"].get(hb.capacity) || o["inFlight"].get(hb.in_flight)
      || o["startedMs"].get(hb.started_ms) || o["sentMs"].get(hb.sent_ms)
      || o["redisReads"].get(hb.redis_reads) || o["truncated"].get(hb.truncated))
    return std::nullopt;
  simdjson::dom::array list;
  if (o["supervisors"].get(list))
    return std::nullopt;
  for (auto item : list) {
    simdjson::dom::array a;
    if (item.get(a) || a.size() != 5)
      return std::nullopt;
    heartbeat_supervisor s;
    std::string_view id, stage, state;
    int64_t attempt = 0;
    if (a.at(0).get(id) || a.at(1).get(stage) || a.at(2).get(state) || a.at(3).get(attempt)
        || a.at(4).get(s.since_ms))
      return std::nullopt;
    s.order_id = std::string{id};
    s.stage = std::string{stage};
    s.state = std::string{state};
    s.attempt = static_cast<int32_t>(attempt);
    hb.supervisors.push_back(std::move(s));
  }
  return hb;
}

}  // namespace khaacho::model
