#include "actors/webhook_sender.hpp"

#include <memory>
#include <random>

#include "actors/atoms.hpp"
#include "adapters/webhook/curl_webhook_poster.hpp"
#include "common/digest.hpp"
#include "common/errc.hpp"
#include "common/log.hpp"
#include "model/webhook_delivery.hpp"
#include "services/webhook_outbox.hpp"

namespace khaacho {

namespace {

using std::chrono::milliseconds;

/// Deliveries claimed per statement.
constexpr int64_t batch_size = 10;

/// A pass starts no new POST after this; the remainder of its claim goes back.
constexpr milliseconds pass_budget{5000};

struct sender_state {
  explicit sender_state(webhook_sender_config c) : cfg(std::move(c)) {
  }

  webhook_sender_config cfg;
  std::unique_ptr<webhook::webhook_poster> poster;
  std::mt19937_64 rng{std::random_device{}()};

  /// Long enough for the pass to finish its last POST: only a sender that
  /// died loses its claim, and its rows are then sent again (same id).
  milliseconds claim_for() const {
    return pass_budget + 2 * cfg.settings.send_timeout + milliseconds{30000};
  }
};

void send_one(sender_state& st, const std::string& claimer, const services::claimed_delivery& d) {
  const auto& s = st.cfg.settings;
  auto answer = st.poster->post({d.url, d.id, services::delivery_body(d), d.secret});
  model::attempt_result result;
  services::delivery_record rec;
  std::optional<milliseconds> retry_after;
  if (answer) {
    rec.response_status = answer->status;
    result = model::result_of_status(answer->status);
    retry_after = answer->retry_after;
    if (result != model::attempt_result::delivered)
      rec.error = "HTTP " + std::to_string(answer->status);
  } else {
    rec.error = describe(answer.error());
    result = has_code(answer.error(), errc::upstream_rejected) ? model::attempt_result::refused
                                                               : model::attempt_result::retry;
  }
  model::backoff_policy policy{s.initial_backoff, s.max_backoff, true};
  std::uniform_real_distribution<double> uniform{0.0, 1.0};
  auto step = model::next_delivery_step(result, d.attempts, static_cast<int32_t>(s.max_attempts),
                                        policy, uniform(st.rng), retry_after);
  rec.status = step.status;
  rec.retry_in = step.retry_in;
  auto recorded = services::record_delivery(st.cfg.db, d.id, claimer, rec);
  // The URL and secret stay out of the log: a URL may carry the receiver's token.
  std::initializer_list<log::field> fields{
    {"delivery_id", d.id},         {"webhook_id", d.webhook_id},
    {"order_id", d.order_id},      {"status", step.status},
    {"attempt", std::to_string(d.attempts)},
    {"outcome", rec.error.value_or("HTTP " + std::to_string(rec.response_status.value_or(0)))}};
  if (!recorded)
    // The POST happened; the claim expires and the row is sent again with
    // the same delivery id, which the receiver drops.
    log::warn("webhook outcome not recorded", {{"delivery_id", d.id},
                                               {"error", describe(recorded.error())}});
  else if (step.status == "FAILED")
    log::warn("webhook delivery failed", fields);
  else if (step.status == "PENDING")
    log::info("webhook delivery will be retried", fields);
  else
    log::debug("webhook delivered", fields);
}

/// One pass: batches until nothing is due or the budget is spent. Sending
/// an order's event makes its next one due, hence the loop.
void send_due(sender_state& st) {
  auto began = std::chrono::steady_clock::now();
  for (;;) {
    auto claimer = st.cfg.node + "/" + random_token(9);
    auto claimed = services::claim_deliveries(st.cfg.db, claimer, st.claim_for(), batch_size);
    if (!claimed) {
      log::warn("webhook deliveries not claimed; retrying next poll",
                {{"error", describe(claimed.error())}});
      return;
    }
    for (size_t i = 0; i < claimed->size(); ++i) {
      const auto& d = (*claimed)[i];
      if (std::chrono::steady_clock::now() - began > pass_budget) {
        for (size_t j = i; j < claimed->size(); ++j)
          services::release_delivery(st.cfg.db, (*claimed)[j].id, claimer);
        return;
      }
      send_one(st, claimer, d);
    }
    if (claimed->empty() || std::chrono::steady_clock::now() - began > pass_budget)
      return;
  }
}

}  // namespace

caf::behavior webhook_sender(caf::event_based_actor* self, webhook_sender_config cfg) {
  auto st = std::make_shared<sender_state>(std::move(cfg));
  st->poster = std::make_unique<webhook::curl_webhook_poster>(
    webhook::poster_options{st->cfg.settings.allow_insecure, st->cfg.settings.send_timeout});
  if (st->cfg.settings.allow_insecure)
    log::warn("webhooks.allow-insecure is on: webhooks may use http and reach loopback and private"
              " addresses (development only)");
  self->send(self, tick_atom::value);
  return {
    [self, st](tick_atom) {
      send_due(*st);
      self->delayed_send(self, st->cfg.settings.poll_interval, tick_atom::value);
    },
  };
}

}  // namespace khaacho
