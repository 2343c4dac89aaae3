// libFuzzer target: multipart_parser over arbitrary bytes, fed in two chunks
// split at a point the input chooses, checked against a one-chunk parse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "model/multipart_parser.hpp"

namespace {

struct result {
  bool ok = true;
  bool done = false;
  std::string error;
  std::string events;  // part headers and data, in order, data concatenated
};

result run(std::string_view body, size_t split, const khaacho::model::multipart_limits& limits) {
  result r;
  khaacho::model::multipart_parser parser{
    "fuzz-boundary",
    [&](const khaacho::model::multipart_part& p) {
      r.events += "\n[part " + p.name + "|" + p.filename + "|" + p.content_type + "]\n";
      return p.name != "stop";
    },
    [&](std::string_view data) {
      if (data.empty())
        std::abort();  // the parser never reports empty data
      r.events.append(data);
      return true;
    },
    limits};
  r.ok = parser.feed(body.substr(0, split));
  if (r.ok)
    r.ok = parser.feed(body.substr(split));
  r.done = parser.done();
  r.error = parser.error();
  if (r.ok != r.error.empty())
    std::abort();  // feed's answer and error() disagree
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2)
    return 0;
  // The first two bytes choose the split point and the limits; the rest is the body.
  size_t split_seed = data[0];
  khaacho::model::multipart_limits limits;
  limits.max_parts = 1 + (data[1] & 0x0f);
  limits.max_header_bytes = 64 + (static_cast<size_t>(data[1] >> 4) << 6);
  std::string_view body{reinterpret_cast<const char*>(data) + 2, size - 2};
  size_t split = body.empty() ? 0 : (split_seed * 257) % (body.size() + 1);

  auto whole = run(body, body.size(), limits);
  auto halves = run(body, split, limits);
  // Chunking must not change what comes out.
  if (whole.ok != halves.ok || whole.done != halves.done || whole.error != halves.error ||
      whole.events != halves.events)
    std::abort();

  // The Content-Type reader sees the same bytes.
  (void) khaacho::model::multipart_boundary(body.substr(0, 200));
  return 0;
}
