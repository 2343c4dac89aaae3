// libFuzzer target: decoding a cluster node's heartbeat (a Redis value any
// node may have written). What decodes must encode to a value that decodes
// and encodes to the same text again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "model/node_heartbeat.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string json{reinterpret_cast<const char*>(data), size};
  using namespace khaacho::model;
  auto hb = decode_heartbeat(json);
  if (!hb)
    return 0;
  auto encoded = encode_heartbeat(*hb);
  auto back = decode_heartbeat(encoded);
  if (!back || encode_heartbeat(*back) != encoded)
    std::abort();
  return 0;
}
