// Webhook POSTs over libcurl with the SSRF guard: the URL is checked again,
// the host resolved here, every address classified, and the connection
// pinned to the checked addresses so DNS rebinding cannot switch it.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "adapters/webhook/host_resolver.hpp"
#include "adapters/webhook/webhook_poster.hpp"

namespace khaacho::webhook {

struct poster_options {
  /// false: https to public addresses only; true (development) also http and
  /// loopback/private/link-local addresses.
  bool allow_insecure = false;
  /// Whole attempt, connect included; a slower answer is an unknown outcome.
  std::chrono::milliseconds timeout{10000};
  /// Turns a host name into the addresses that are checked and pinned.
  std::function<caf::expected<std::vector<model::ip_address>>(const std::string&)> resolve =
    resolve_host;
};

/// One attempt per post(): a fresh curl handle (no connection or DNS cache
/// carried between deliveries), no proxy (an environment proxy would be
/// reached instead of the checked address), no redirects, TLS verified.
/// Headers: Content-Type: application/json, Khaacho-Event, Khaacho-Delivery,
/// Khaacho-Timestamp and Khaacho-Signature (webhook_signature.hpp).
/// BLOCKING; call from a detached actor. Error messages never hold the URL
/// (it may carry the receiver's own token) or the secret.
class curl_webhook_poster final : public webhook_poster {
 public:
  explicit curl_webhook_poster(poster_options opts);

  // webhook_poster

  caf::expected<webhook_answer> post(const webhook_post& p) override;

 private:
  poster_options opts_;
};

}  // namespace khaacho::webhook
