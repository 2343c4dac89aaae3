// Registering, listing and removing a retailer's webhooks (API.md
// "Webhooks"). The URL arrives already validated by the route. BLOCKING:
// call from HTTP handler threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "actors/db_call.hpp"

namespace khaacho::services {

/// Webhooks one retailer may have; each costs a POST per status change.
inline constexpr int64_t max_webhooks_per_retailer = 10;

struct webhook_record {
  std::string id;
  std::string retailer_id;
  std::string url;
  std::string created_at;  ///< RFC 3339 UTC
};

enum class webhook_create_outcome {
  created,
  duplicate,  ///< the retailer already has this URL
  too_many,   ///< the retailer has max_webhooks_per_retailer already
};

struct webhook_created {
  webhook_create_outcome outcome = webhook_create_outcome::created;
  webhook_record record;  ///< for created
  std::string secret;     ///< for created: shown to the client this once
};

class webhook_service {
public:
  explicit webhook_service(db_client db) : db_(std::move(db)) {
  }

  /// Stores a webhook with a fresh random secret ("whsec_" + 32 random bytes,
  /// URL-safe base64). Preconditions: lower-case UUID, a normalized URL.
  caf::expected<webhook_created> create(const std::string& retailer_id,
                                        const std::string& url) const;

  /// The retailer's webhooks, oldest first; never their secrets.
  caf::expected<std::vector<webhook_record>> list(const std::string& retailer_id) const;

  /// Deletes the webhook (and its pending deliveries); false when there is
  /// none with that id within `retailer_id` (nullopt: any retailer).
  caf::expected<bool> remove(const std::string& id,
                             const std::optional<std::string>& retailer_id) const;

private:
  db_client db_;
};

}  // namespace khaacho::services
