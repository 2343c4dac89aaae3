#include "adapters/webhook/host_resolver.hpp"

#include <cstring>
#include <memory>

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/errc.hpp"

namespace khaacho::webhook {

caf::expected<std::vector<model::ip_address>> resolve_host(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &raw);
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list{raw, &freeaddrinfo};
  if (rc != 0 || raw == nullptr)
    return caf::make_error(errc::upstream_unavailable,
                           std::string{"webhook host does not resolve: "} + gai_strerror(rc));
  std::vector<model::ip_address> out;
  for (auto* ai = raw; ai != nullptr; ai = ai->ai_next) {
    model::ip_address a;
    if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(sockaddr_in)) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
      std::memcpy(a.bytes.data(), &sin->sin_addr, 4);
    } else if (ai->ai_family == AF_INET6 && ai->ai_addrlen >= sizeof(sockaddr_in6)) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
      std::memcpy(a.bytes.data(), &sin6->sin6_addr, 16);
      a.v6 = true;
    } else {
      continue;
    }
    bool seen = false;
    for (const auto& b : out)
      seen = seen || (b.v6 == a.v6 && b.bytes == a.bytes);
    if (!seen)
      out.push_back(a);
  }
  if (out.empty())
    return caf::make_error(errc::upstream_unavailable, "webhook host has no IPv4 or IPv6 address");
  return out;
}

}  // namespace khaacho::webhook
