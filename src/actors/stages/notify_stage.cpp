#include "actors/stages/notify_stage.hpp"

#include <mutex>
#include <thread>

#include <simdjson.h>

#include "actors/blocking_stage.hpp"
#include "actors/pipeline.hpp"
#include "actors/stages/order_fence.hpp"
#include "adapters/notify/notifier.hpp"
#include "common/json_writer.hpp"
#include "common/log.hpp"
#include "common/service_metrics.hpp"
#include "model/rfq_message.hpp"
#include "model/token_bucket.hpp"

namespace khaacho::stages {

namespace {

// RFQs of the order that have no outbox rows yet, with what their message needs.
constexpr const char* unannounced_sql = R"SQL(
SELECT r.id::text AS rfq_id, r.items::text AS items, w.name, w.phone, w.email, w.whatsapp_opt_in
FROM order_broadcast_logs r JOIN wholesalers w ON w.id = r.wholesaler_id
WHERE r.order_id = $1::uuid
  AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.rfq_id = r.id)
ORDER BY r.created_at, r.id
)SQL";

// Claims the order's due rows. The claim outlives a send's deadline, so a
// second claimer only takes a row whose sender died; that row's outcome is
// unknown and it is sent again with its idempotency key.
constexpr const char* claim_sql = R"SQL(
UPDATE notifications n
SET attempts = n.attempts + 1, claimed_by = $3,
    claimed_until = now() + $4::bigint * interval '1 millisecond'
FROM order_broadcast_logs r
WHERE n.rfq_id = r.id AND r.order_id = $1::uuid
  AND n.status IN ('PENDING', 'UNKNOWN') AND n.next_attempt_at <= now()
  AND (n.claimed_until IS NULL OR n.claimed_until < now())
  AND )SQL";

constexpr const char* claim_returning_sql = R"SQL(
RETURNING n.id::text AS id, n.channel, n.recipient, n.payload::text AS payload,
          n.idempotency_key
)SQL";

constexpr const char* record_sql = R"SQL(
UPDATE notifications
SET status = $3, provider_message_id = COALESCE($4, provider_message_id), last_error = $5,
    sent_at = CASE WHEN $3 = 'SENT' THEN now() ELSE sent_at END,
    next_attempt_at = now() + $6::bigint * interval '1 millisecond',
    claimed_by = NULL, claimed_until = NULL
WHERE id = $1::uuid AND claimed_by = $2
)SQL";

// An RFQ is SENT once any channel got through, FAILED when every channel
// failed for good or it has none at all (no opt-in, no address).
constexpr const char* rfq_status_sql = R"SQL(
WITH s AS (
  SELECT r.id,
         CASE WHEN bool_or(n.status = 'SENT') THEN 'SENT'
              WHEN count(n.id) = 0 OR bool_and(n.status = 'FAILED') THEN 'FAILED'
              ELSE 'PENDING' END AS status
  FROM order_broadcast_logs r LEFT JOIN notifications n ON n.rfq_id = r.id
  WHERE r.order_id = $1::uuid GROUP BY r.id),
u AS (
  UPDATE order_broadcast_logs r SET status = s.status FROM s
  WHERE r.id = s.id AND r.status IS DISTINCT FROM s.status)
SELECT
  count(*) FILTER (WHERE n.status IN ('PENDING', 'UNKNOWN')) AS open,
  count(*) FILTER (WHERE n.status = 'SENT') AS sent,
  count(*) FILTER (WHERE n.status = 'FAILED') AS failed,
  max(n.last_error) FILTER (WHERE n.status IN ('PENDING', 'UNKNOWN')) AS last_error,
  -- When the earliest open row is due (its provider's Retry-After, or a
  -- claim that still runs elsewhere): the next attempt waits at least that.
  GREATEST(0, (extract(epoch FROM min(GREATEST(n.next_attempt_at,
                                                COALESCE(n.claimed_until, n.next_attempt_at)))
                                  FILTER (WHERE n.status IN ('PENDING', 'UNKNOWN')) - now())
               * 1000)::bigint) AS wait_ms
FROM notifications n JOIN order_broadcast_logs r ON r.id = n.rfq_id
WHERE r.order_id = $1::uuid
)SQL";

/// One token bucket per channel, shared by every worker of the stage.
class channel_limits {
 public:
  explicit channel_limits(const config::notify_settings& s) {
    auto now = std::chrono::steady_clock::now();
    buckets_.emplace("whatsapp", model::token_bucket{s.whatsapp_per_second,
                                                     std::max(1.0, s.whatsapp_per_second), now});
    buckets_.emplace("email",
                     model::token_bucket{s.email_per_second, std::max(1.0, s.email_per_second), now});
  }

  /// Blocks this (dedicated) worker thread until `channel` may send.
  void wait_turn(const std::string& channel) {
    for (;;) {
      std::chrono::milliseconds wait{0};
      {
        std::lock_guard<std::mutex> lock{mutex_};
        auto it = buckets_.find(channel);
        if (it == buckets_.end() || it->second.try_take(std::chrono::steady_clock::now(), wait))
          return;
      }
      std::this_thread::sleep_for(std::max(wait, std::chrono::milliseconds{1}));
    }
  }

 private:
  std::mutex mutex_;
  std::map<std::string, model::token_bucket> buckets_;
};

model::rfq_content rfq_of(const db::pg_row& row, const std::string& order_id) {
  model::rfq_content c;
  c.rfq_id = row.get<std::string>("rfq_id");
  c.order_id = order_id;
  c.wholesaler_name = row.get<std::string>("name");
  simdjson::dom::parser parser;
  simdjson::dom::array lines;
  if (!parser.parse(row.get<std::string>("items")).get(lines))
    for (auto el : lines) {
      model::rfq_line l;
      std::string_view name, sku, unit;
      if (el["name"].get(name) || el["quantity"].get(l.quantity))
        continue;
      l.product_name = std::string{name};
      if (!el["sku"].get(sku))
        l.sku = std::string{sku};
      if (!el["unit"].get(unit))
        l.unit = std::string{unit};
      c.lines.push_back(std::move(l));
    }
  return c;
}

std::string payload_json(const model::rfq_rendering& r) {
  json_array params;
  for (const auto& p : r.template_params)
    params.add(p);
  json_object o;
  o.add("subject", r.subject).add("text", r.text).add_raw("templateParams", params.str());
  return o.str();
}

/// Writes the outbox rows of RFQs that have none yet.
caf::error announce(const db_client& db, const stage_request& req) {
  auto rows = db.query({unannounced_sql, db::pg_params(req.order_id)});
  if (!rows)
    return rows.error();
  json_array outbox;
  for (size_t i = 0; i < rows->size(); ++i) {
    auto row = rows->row(i);
    auto content = rfq_of(row, req.order_id);
    auto payload = payload_json(model::render_rfq(content));
    auto add = [&](const char* channel, const std::string& recipient) {
      json_object o;
      o.add("rfq_id", content.rfq_id).add("channel", channel).add("recipient", recipient)
        .add_raw("payload", payload);
      outbox.add(o);
    };
    if (row.get<bool>("whatsapp_opt_in"))
      add("whatsapp", row.get<std::string>("phone"));
    if (auto email = row.get_optional<std::string>("email"); email && !email->empty())
      add("email", *email);
  }
  if (outbox.empty())
    return {};
  auto saved = db.query({std::string{R"SQL(
INSERT INTO notifications (rfq_id, channel, recipient, payload)
SELECT x.rfq_id, x.channel, x.recipient, x.payload
FROM jsonb_to_recordset($3::jsonb) AS x(rfq_id uuid, channel text, recipient text, payload jsonb)
WHERE )SQL"} + order_fence_sql + " ON CONFLICT (rfq_id, channel) DO NOTHING",
                         db::pg_params(req.order_id, req.lease_epoch, outbox.str())});
  if (!saved)
    return saved.error();
  return {};
}

struct outcome {
  std::string status;
  std::optional<std::string> provider_id;
  std::optional<std::string> error;
  std::chrono::milliseconds retry_in{0};
};

outcome outcome_of(const caf::expected<notify::send_receipt>& sent) {
  if (sent)
    return {"SENT", sent->provider_message_id, std::nullopt, {}};
  const auto& e = sent.error();
  auto text = describe(e);
  if (has_code(e, errc::timeout))
    // Due again at once: the supervisor's backoff paces the next attempt,
    // and only a provider's own Retry-After holds the row longer.
    return {"UNKNOWN", std::nullopt, text, std::chrono::milliseconds{0}};
  if (is_transient(e))
    return {"PENDING", std::nullopt, text, retry_after_of(e).value_or(std::chrono::milliseconds{0})};
  return {"FAILED", std::nullopt, text, {}};
}

}  // namespace

stage_factory make_notify_stage(stage_context ctx) {
  return [ctx]() {
    auto workers = static_cast<size_t>(resolved_concurrency(ctx.settings.stages.at("notify")));
    auto limits = std::make_shared<channel_limits>(ctx.settings.notify);
    return spawn_blocking_stage(*ctx.sys, "notify", [ctx, limits]() -> stage_function {
      auto notifiers = std::make_shared<std::map<std::string, std::unique_ptr<notify::notifier>>>();
      for (const char* channel : {"whatsapp", "email"})
        (*notifiers)[channel] = notify::make_notifier(channel, ctx.settings.notify);
      auto node = ctx.node;
      return [ctx, limits, notifiers, node](const stage_request& req,
                                            const std::atomic<bool>& cancelled)
               -> caf::expected<stage_result> {
        auto db = ctx.db();
        if (auto err = announce(db, req))
          return err;
        auto claim_ms = static_cast<int64_t>(ctx.settings.notify.send_timeout.count()) * 2 + 10000;
        auto claimed = db.query({std::string{claim_sql} + order_fence_sql + claim_returning_sql,
                                 db::pg_params(req.order_id, req.lease_epoch, node, claim_ms)});
        if (!claimed)
          return claimed.error();
        for (size_t i = 0; i < claimed->size(); ++i) {
          auto row = claimed->row(i);
          auto id = row.get<std::string>("id");
          auto channel = row.get<std::string>("channel");
          if (cancelled) {
            // Give the claim back untouched: nothing was sent.
            db.query({record_sql, db::pg_params(id, node, "PENDING", std::nullopt, std::nullopt,
                                                int64_t{0})});
            continue;
          }
          notify::outgoing_message msg;
          msg.channel = channel;
          msg.recipient = row.get<std::string>("recipient");
          msg.idempotency_key = row.get<std::string>("idempotency_key");
          simdjson::dom::parser parser;
          simdjson::dom::element payload;
          if (!parser.parse(row.get<std::string>("payload")).get(payload)) {
            std::string_view subject, text;
            if (!payload["subject"].get(subject))
              msg.subject = std::string{subject};
            if (!payload["text"].get(text))
              msg.text = std::string{text};
            simdjson::dom::array params;
            if (!payload["templateParams"].get(params))
              for (auto p : params) {
                std::string_view v;
                if (!p.get(v))
                  msg.template_params.emplace_back(v);
              }
          }
          limits->wait_turn(channel);
          auto sent = notifiers->at(channel)->send(msg);
          auto o = outcome_of(sent);
          // Counted when the provider answered for good (rfq_broadcast_count's
          // messages); PENDING and UNKNOWN rows are counted once they settle.
          if (o.status == "SENT" || o.status == "FAILED")
            metrics::service_metrics::instance().notifications(channel, o.status == "SENT").inc();
          auto recorded = db.query({record_sql,
                                    db::pg_params(id, node, o.status, o.provider_id, o.error,
                                                  static_cast<int64_t>(o.retry_in.count()))});
          if (!recorded)
            // The send happened; its row keeps the claim, expires, and is
            // retried with the same key: the provider drops the duplicate.
            log::warn("notification outcome not recorded",
                      {{"order_id", req.order_id}, {"notification_id", id},
                       {"error", describe(recorded.error())}});
        }
        auto summary = db.query({rfq_status_sql, db::pg_params(req.order_id)});
        if (!summary)
          return summary.error();
        auto s = summary->row(0);
        auto open = s.get<int64_t>("open");
        if (open > 0)
          return stage_failure(errc::upstream_unavailable,
                               std::to_string(open) + " notification(s) not delivered yet: "
                                 + s.get_optional<std::string>("last_error").value_or("claimed elsewhere"),
                               std::chrono::milliseconds{s.get_optional<int64_t>("wait_ms").value_or(0)});
        json_object out;
        out.add("sent", s.get<int64_t>("sent")).add("failed", s.get<int64_t>("failed"));
        return stage_result{out.str(), false, ""};
      };
    }, workers);
  };
}

}  // namespace khaacho::stages
