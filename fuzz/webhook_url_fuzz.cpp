// libFuzzer target: webhook URL parsing and the IP address classes of the
// SSRF guard. The first byte picks secure or insecure mode. An accepted URL's
// normalized form must be accepted again and normalize to itself; an address
// that parses must print to text that parses back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "model/ip_address_class.hpp"
#include "model/webhook_url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  bool insecure = (data[0] & 1) != 0;
  std::string_view text{reinterpret_cast<const char*>(data) + 1, size - 1};
  using namespace khaacho::model;

  auto check = parse_webhook_url(text, insecure);
  if (check.url.has_value() == !check.error.empty())
    std::abort();  // exactly one of a URL and a reason
  if (check.url) {
    if (check.url->port < 1 || check.url->port > 65535 || check.url->target.empty()
        || check.url->normalized.size() > max_webhook_url_bytes)
      std::abort();
    auto again = parse_webhook_url(check.url->normalized, insecure);
    if (!again.url || again.url->normalized != check.url->normalized
        || again.url->host != check.url->host || again.url->port != check.url->port)
      std::abort();
  }

  if (auto ip = parse_ip(text)) {
    auto printed = to_string(*ip);
    auto back = parse_ip(printed);
    if (!back || back->v6 != ip->v6 || back->bytes != ip->bytes)
      std::abort();
    auto c = classify(*ip);
    (void) to_string(c);
    if (webhook_may_connect(c, false) && c != address_class::public_unicast)
      std::abort();
  }
  return 0;
}
