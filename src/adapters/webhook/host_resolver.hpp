// Name resolution for the webhook sender, which checks every address a name
// resolves to before it connects.
#pragma once

#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "model/ip_address_class.hpp"

namespace khaacho::webhook {

/// The IPv4 and IPv6 addresses of `host` (a name or a numeric address),
/// without duplicates, in the resolver's order. BLOCKING (getaddrinfo):
/// bounded by the system resolver's own timeout and attempts (resolv.conf).
/// Errors: errc::upstream_unavailable when the name does not resolve.
caf::expected<std::vector<model::ip_address>> resolve_host(const std::string& host);

}  // namespace khaacho::webhook
