// Address classes after the IANA special-purpose registries (RFC 6890 and
// its updates); anything special-purpose counts as not public.
#include "model/ip_address_class.hpp"

#include <arpa/inet.h>

namespace khaacho::model {

namespace {

/// `a` (IPv4) lies in prefix `net`/`bits`.
bool in4(const uint8_t* a, uint8_t n0, uint8_t n1, uint8_t n2, int bits) {
  uint32_t addr = (uint32_t{a[0]} << 24) | (uint32_t{a[1]} << 16) | (uint32_t{a[2]} << 8) | a[3];
  uint32_t net = (uint32_t{n0} << 24) | (uint32_t{n1} << 16) | (uint32_t{n2} << 8);
  uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  return (addr & mask) == (net & mask);
}

address_class classify4(const uint8_t* a) {
  if (in4(a, 0, 0, 0, 8))
    return address_class::unspecified;
  if (in4(a, 127, 0, 0, 8))
    return address_class::loopback;
  if (in4(a, 10, 0, 0, 8) || in4(a, 172, 16, 0, 12) || in4(a, 192, 168, 0, 16))
    return address_class::private_use;
  if (in4(a, 100, 64, 0, 10))
    return address_class::shared_cgnat;
  if (in4(a, 169, 254, 0, 16))
    return address_class::link_local;
  if (in4(a, 224, 0, 0, 4))
    return address_class::multicast;
  if (in4(a, 240, 0, 0, 4)            // reserved, and 255.255.255.255
      || in4(a, 192, 0, 0, 24)        // IETF protocol assignments
      || in4(a, 192, 0, 2, 24)        // TEST-NET-1
      || in4(a, 198, 51, 100, 24)     // TEST-NET-2
      || in4(a, 203, 0, 113, 24)      // TEST-NET-3
      || in4(a, 198, 18, 0, 15)       // benchmarking
      || in4(a, 192, 88, 99, 24))     // deprecated 6to4 relay anycast
    return address_class::reserved;
  return address_class::public_unicast;
}

bool all_zero(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (p[i] != 0)
      return false;
  return true;
}

}  // namespace

std::optional<ip_address> parse_ip(std::string_view text) {
  ip_address out;
  if (text.find(':') != std::string_view::npos) {
    // inet_pton wants a terminated string and rejects zones ("%eth0").
    if (text.size() > 45)
      return std::nullopt;
    std::string s{text};
    if (inet_pton(AF_INET6, s.c_str(), out.bytes.data()) != 1)
      return std::nullopt;
    out.v6 = true;
    return out;
  }
  // Strict dotted quad: inet_aton's "127.1", "0x7f.1" or "2130706433" are
  // refused here, so what is checked is what a reader of the URL sees.
  int part = 0;
  size_t i = 0;
  while (part < 4) {
    size_t start = i;
    unsigned value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 3)
      value = value * 10 + static_cast<unsigned>(text[i++] - '0');
    size_t digits = i - start;
    if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0'))
      return std::nullopt;
    out.bytes[static_cast<size_t>(part++)] = static_cast<uint8_t>(value);
    if (part < 4) {
      if (i >= text.size() || text[i] != '.')
        return std::nullopt;
      ++i;
    }
  }
  if (i != text.size())
    return std::nullopt;
  return out;
}

std::string to_string(const ip_address& a) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (!inet_ntop(a.v6 ? AF_INET6 : AF_INET, a.bytes.data(), buf, sizeof(buf)))
    return "?";
  return buf;
}

std::string to_string(address_class c) {
  switch (c) {
    case address_class::public_unicast: return "public";
    case address_class::unspecified: return "unspecified";
    case address_class::loopback: return "loopback";
    case address_class::private_use: return "private";
    case address_class::shared_cgnat: return "shared (CGNAT)";
    case address_class::link_local: return "link-local";
    case address_class::unique_local: return "unique-local";
    case address_class::multicast: return "multicast";
    case address_class::reserved: return "reserved";
    case address_class::tunnel: return "tunnel";
  }
  return "unknown";
}

address_class classify(const ip_address& a) {
  const uint8_t* b = a.bytes.data();
  if (!a.v6)
    return classify4(b);
  if (all_zero(b, 16))
    return address_class::unspecified;
  if (all_zero(b, 15) && b[15] == 1)
    return address_class::loopback;
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated): the
  // kernel connects such an address over IPv4.
  if (all_zero(b, 10) && b[10] == 0xff && b[11] == 0xff)
    return classify4(b + 12);
  if (all_zero(b, 12))
    return classify4(b + 12);
  // NAT64 well-known prefix 64:ff9b::/96 reaches the embedded IPv4 address;
  // 64:ff9b:1::/48 is for local NAT64 use.
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) {
    if (all_zero(b + 4, 8))
      return classify4(b + 12);
    if (b[4] == 0x00 && b[5] == 0x01)
      return address_class::private_use;
  }
  if (b[0] == 0xff)
    return address_class::multicast;
  if ((b[0] & 0xfe) == 0xfc)
    return address_class::unique_local;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
    return address_class::link_local;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
    return address_class::reserved;  // site-local, deprecated
  // 6to4 carries the IPv4 address of its relay in bits 16..47.
  if (b[0] == 0x20 && b[1] == 0x02)
    return classify4(b + 2);
  // IETF protocol assignments 2001::/23, Teredo (2001::/32) among them.
  if (b[0] == 0x20 && b[1] == 0x01 && (b[2] & 0xfe) == 0)
    return b[2] == 0 && b[3] == 0 ? address_class::tunnel : address_class::reserved;
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
    return address_class::reserved;  // documentation 2001:db8::/32
  if (b[0] == 0x01 && b[1] == 0x00 && all_zero(b + 2, 6))
    return address_class::reserved;  // discard-only 100::/64
  // Everything outside global unicast 2000::/3 is unassigned or special.
  if ((b[0] & 0xe0) != 0x20)
    return address_class::reserved;
  return address_class::public_unicast;
}

bool webhook_may_connect(address_class c, bool allow_insecure) {
  if (c == address_class::public_unicast)
    return true;
  if (!allow_insecure)
    return false;
  return c != address_class::unspecified && c != address_class::multicast;
}

}  // namespace khaacho::model
