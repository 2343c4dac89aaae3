// What kind of network an IP address belongs to, for the webhook SSRF guard:
// only public unicast addresses may be posted to unless insecure mode is on.
// Pure: no resolution, no sockets.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace khaacho::model {

/// An IPv4 or IPv6 address in network byte order (IPv4 uses bytes 0..3).
struct ip_address {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
};

/// Parses a numeric address: dotted-quad IPv4 (exactly four decimal parts) or
/// IPv6 text (no brackets, no zone). nullopt for anything else.
std::optional<ip_address> parse_ip(std::string_view text);

/// Canonical text of an address ("10.0.0.1", "::1").
std::string to_string(const ip_address& a);

enum class address_class {
  public_unicast,  ///< the only class a secure-mode webhook may reach
  unspecified,     ///< 0.0.0.0/8, ::
  loopback,        ///< 127/8, ::1
  private_use,     ///< 10/8, 172.16/12, 192.168/16 (RFC 1918)
  shared_cgnat,    ///< 100.64/10 (RFC 6598)
  link_local,      ///< 169.254/16 (cloud metadata), fe80::/10
  unique_local,    ///< fc00::/7
  multicast,       ///< 224/4, ff00::/8
  reserved,        ///< 240/4 and broadcast, documentation, benchmarking, IETF protocol
                   ///< blocks, site-local fec0::/10, discard 100::/64, non-2000::/3 IPv6
  tunnel,          ///< Teredo 2001::/32 (embeds an address we cannot check reliably)
};

std::string to_string(address_class c);

/// The class of `a`. Forms that embed an IPv4 address (v4-mapped ::ffff:0:0/96,
/// v4-compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16) take the class of
/// the embedded address, so ::ffff:127.0.0.1 is loopback.
address_class classify(const ip_address& a);

/// Whether a webhook may connect to an address of class `c`: public unicast
/// only; with `allow_insecure` (development) everything but unspecified and
/// multicast, which no HTTP server answers on.
bool webhook_may_connect(address_class c, bool allow_insecure);

}  // namespace khaacho::model
