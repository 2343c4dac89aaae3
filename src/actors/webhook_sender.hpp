// Drains the webhook_deliveries outbox: claims due deliveries, POSTs each
// (signed) to its webhook, and records SENT, FAILED or a retry after a
// backoff. Spawn it detached: it blocks on the database pool and libcurl.
//
//   tick ──► claim batch ──► post ──► record ──┐
//     ▲          ▲   (more due: next batch)     │
//     └── poll-interval ◄── nothing due / pass budget spent
#pragma once

#include <string>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

#include "actors/db_call.hpp"
#include "config/settings.hpp"

namespace khaacho {

struct webhook_sender_config {
  db_client db;
  std::string node;  ///< names this node's claims
  config::webhook_settings settings;
};

/// `sys.spawn<caf::detached>(webhook_sender, cfg)`: sends what is due at
/// once, then looks every poll interval. A pass stops starting new POSTs
/// after a few seconds (and gives the rest of its claim back), so an exit
/// message waits at most about one send timeout.
///
/// Guarantees: a SENT row is never sent again; a POST whose outcome is
/// unknown (timeout, reset, a crash before the outcome was written) is sent
/// again with the same Khaacho-Delivery id and the same body; one order's
/// events reach a webhook in the order they happened.
caf::behavior webhook_sender(caf::event_based_actor* self, webhook_sender_config cfg);

}  // namespace khaacho
