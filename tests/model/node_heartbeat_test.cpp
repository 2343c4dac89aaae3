#include <catch2/catch.hpp>

#include "model/node_heartbeat.hpp"

using namespace khaacho::model;

TEST_CASE("a heartbeat decodes to what was encoded", "[model]") {
  node_heartbeat hb;
  hb.node = "node-\"a\"";
  hb.address = "10.0.0.5:8080";
  hb.version = "0.1.0";
  hb.role = "worker";
  hb.consumer = "node-a:1:42";
  hb.capacity = 64;
  hb.in_flight = 2;
  hb.started_ms = 1764408000000;
  hb.sent_ms = 1764408005000;
  hb.supervisors = {{"bbbbbbbb-0000-4000-8000-000000000002", "ocr", "running", 1, 1764408004000},
                    {"aaaaaaaa-0000-4000-8000-000000000001", "rank", "backoff", 3, 1764408003000}};
  auto back = decode_heartbeat(encode_heartbeat(hb));
  REQUIRE(back);
  CHECK(back->node == hb.node);
  CHECK(back->address == hb.address);
  CHECK(back->role == "worker");
  CHECK(back->consumer == hb.consumer);
  CHECK(back->capacity == 64);
  CHECK(back->in_flight == 2);
  CHECK(back->started_ms == hb.started_ms);
  CHECK(back->sent_ms == hb.sent_ms);
  CHECK_FALSE(back->truncated);
  REQUIRE(back->supervisors.size() == 2);
  // Sorted by order id.
  CHECK(back->supervisors[0].order_id == "aaaaaaaa-0000-4000-8000-000000000001");
  CHECK(back->supervisors[0].stage == "rank");
  CHECK(back->supervisors[0].state == "backoff");
  CHECK(back->supervisors[0].attempt == 3);
  CHECK(back->supervisors[0].since_ms == 1764408003000);
}

TEST_CASE("a heartbeat carries at most max_heartbeat_supervisors and says it was cut", "[model]") {
  node_heartbeat hb;
  hb.node = "n";
  for (size_t i = 0; i < max_heartbeat_supervisors + 10; ++i)
    hb.supervisors.push_back({std::to_string(100000 + i), "ocr", "waiting", 1, 1});
  auto back = decode_heartbeat(encode_heartbeat(hb));
  REQUIRE(back);
  CHECK(back->supervisors.size() == max_heartbeat_supervisors);
  CHECK(back->truncated);
}

TEST_CASE("encoding a decoded heartbeat gives the same text, repeated order ids too", "[model]") {
  // Found by fuzz/node_heartbeat_fuzz: an unstable sort reordered supervisors
  // with the same order id between two encodings.
  node_heartbeat hb;
  hb.node = "n";
  for (int i = 0; i < 40; ++i)
    hb.supervisors.push_back({"same", "ocr", "waiting", i, i});
  auto text = encode_heartbeat(hb);
  auto back = decode_heartbeat(text);
  REQUIRE(back);
  CHECK(encode_heartbeat(*back) == text);
}

TEST_CASE("values that are not heartbeats decode to nothing", "[model]") {
  auto bad = GENERATE(as<std::string>{}, "", "not json", "{}", R"({"v":2,"node":"n"})",
                      R"({"v":1,"node":"n"})");
  CAPTURE(bad);
  CHECK_FALSE(decode_heartbeat(bad));
}
