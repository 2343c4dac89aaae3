// The configuration keys of khaacho, their defaults, environment overrides and checks.
#include "config/config_schema.hpp"

#include <algorithm>
#include <sstream>

namespace khaacho::config {

std::map<std::string, stage_policy> settings::default_stages() {
  std::map<std::string, stage_policy> out;
  for (const char* name : {"ocr", "extract", "normalize", "rank", "rfq", "notify"})
    out[name] = stage_policy{};
  // OCR is CPU-bound: the gate defaults to one worker per core at start-up
  // (0 here means "number of cores"); the LLM/HTTP stages mostly wait.
  out["ocr"].max_concurrent = 0;
  out["ocr"].timeout = milliseconds{120'000};
  out["normalize"].timeout = milliseconds{30'000};
  out["rank"].timeout = milliseconds{30'000};
  // A messaging provider's outage should not fail an order whose RFQs are
  // written: the outbox keeps trying for about half an hour of backoff.
  out["notify"].max_attempts = 10;
  return out;
}

namespace {

template <class T>
struct kind_of;
template <> struct kind_of<std::string> { static constexpr value_kind value = value_kind::string; };
template <> struct kind_of<int64_t> { static constexpr value_kind value = value_kind::integer; };
template <> struct kind_of<double> { static constexpr value_kind value = value_kind::real; };
template <> struct kind_of<bool> { static constexpr value_kind value = value_kind::boolean; };
template <> struct kind_of<milliseconds> { static constexpr value_kind value = value_kind::duration; };
template <> struct kind_of<seconds> { static constexpr value_kind value = value_kind::duration; };

std::string render(const std::string& x) { return "\"" + x + "\""; }
std::string render(int64_t x) { return std::to_string(x); }
std::string render(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}
std::string render(bool x) { return x ? "true" : "false"; }
std::string render(milliseconds x) { return format_duration(x); }
std::string render(seconds x) { return format_duration(x); }

/// Checks a converted value; returns an error text or empty.
template <class T>
using check_fn = std::function<std::string(const T&)>;

template <class T, class Get>
config_key make_key(std::string name, Get get, std::string env, std::string help,
                    check_fn<T> check = {}, bool secret = false) {
  config_key k;
  k.name = std::move(name);
  k.kind = kind_of<T>::value;
  k.env = std::move(env);
  k.secret = secret;
  k.help = std::move(help);
  k.apply = [get, check](settings& s, const typed_value& v) -> std::string {
    T value;
    if constexpr (std::is_same_v<T, seconds>) {
      auto ms = std::get<milliseconds>(v);
      if (ms.count() % 1000 != 0)
        return "must be a whole number of seconds";
      value = std::chrono::duration_cast<seconds>(ms);
    } else {
      value = std::get<T>(v);
    }
    if (check) {
      auto why = check(value);
      if (!why.empty())
        return why;
    }
    get(s) = value;
    return {};
  };
  k.show = [get, secret](const settings& s) -> std::string {
    const auto& value = get(const_cast<settings&>(s));
    if constexpr (std::is_same_v<T, std::string>) {
      if (secret)
        return value.empty() ? "\"\"" : "<secret>";
    }
    return render(value);
  };
  return k;
}

check_fn<int64_t> between(int64_t lo, int64_t hi) {
  return [lo, hi](const int64_t& x) -> std::string {
    if (x < lo || x > hi)
      return "must be between " + std::to_string(lo) + " and " + std::to_string(hi);
    return {};
  };
}

check_fn<double> between(double lo, double hi) {
  return [lo, hi](const double& x) -> std::string {
    if (x < lo || x > hi)
      return "must be between " + render(lo) + " and " + render(hi);
    return {};
  };
}

check_fn<std::string> one_of(std::vector<std::string> choices) {
  return [choices](const std::string& x) -> std::string {
    if (std::find(choices.begin(), choices.end(), x) != choices.end())
      return {};
    std::string list;
    for (const auto& c : choices)
      list += (list.empty() ? "" : ", ") + c;
    return "must be one of: " + list;
  };
}

template <class D>
check_fn<D> positive_duration() {
  return [](const D& x) -> std::string {
    return x.count() > 0 ? std::string{} : std::string{"must be greater than zero"};
  };
}

template <class D>
check_fn<D> non_negative_duration() {
  return [](const D& x) -> std::string {
    return x.count() >= 0 ? std::string{} : std::string{"must not be negative"};
  };
}

check_fn<std::string> not_empty() {
  return [](const std::string& x) -> std::string {
    return x.empty() ? "must not be empty" : "";
  };
}

void add_stage_keys(std::vector<config_key>& out, const std::string& stage) {
  auto p = "stages." + stage + ".";
  auto policy = [stage](settings& s) -> stage_policy& { return s.stages.at(stage); };
  out.push_back(make_key<int64_t>(p + "max-attempts",
    [policy](settings& s) -> int64_t& { return policy(s).max_attempts; }, "",
    "attempts before the order fails (transient errors only are retried)", between(int64_t{1}, int64_t{100})));
  out.push_back(make_key<milliseconds>(p + "initial-backoff",
    [policy](settings& s) -> milliseconds& { return policy(s).initial_backoff; }, "",
    "first retry delay; doubles per attempt, with full jitter", positive_duration<milliseconds>()));
  out.push_back(make_key<milliseconds>(p + "max-backoff",
    [policy](settings& s) -> milliseconds& { return policy(s).max_backoff; }, "",
    "cap of the retry delay", positive_duration<milliseconds>()));
  out.push_back(make_key<milliseconds>(p + "timeout",
    [policy](settings& s) -> milliseconds& { return policy(s).timeout; }, "",
    "deadline of one attempt", positive_duration<milliseconds>()));
  out.push_back(make_key<int64_t>(p + "max-concurrent",
    [policy](settings& s) -> int64_t& { return policy(s).max_concurrent; }, "",
    "attempts running at once on this node (0: one per core)", between(int64_t{0}, int64_t{10000})));
  out.push_back(make_key<double>(p + "max-per-second",
    [policy](settings& s) -> double& { return policy(s).max_per_second; }, "",
    "attempts started per second (token bucket)", between(0.001, 1e6)));
}

std::vector<config_key> build_schema() {
  std::vector<config_key> k;
  // http
  k.push_back(make_key<std::string>("http.host", [](settings& s) -> std::string& { return s.http.host; },
    "HOST", "address the HTTP server binds", not_empty()));
  k.push_back(make_key<int64_t>("http.port", [](settings& s) -> int64_t& { return s.http.port; },
    "PORT", "HTTP port (0 picks a free port and logs it)", between(int64_t{0}, int64_t{65535})));
  k.push_back(make_key<int64_t>("http.max-upload-bytes", [](settings& s) -> int64_t& { return s.http.max_upload_bytes; },
    "", "largest accepted image", between(int64_t{1024}, int64_t{1} << 30)));
  k.push_back(make_key<int64_t>("http.max-image-pixels", [](settings& s) -> int64_t& { return s.http.max_image_pixels; },
    "", "largest width x height an uploaded image may declare", between(int64_t{1}, int64_t{1} << 40)));
  k.push_back(make_key<int64_t>("http.threads", [](settings& s) -> int64_t& { return s.http.threads; },
    "", "HTTP worker threads", between(int64_t{1}, int64_t{1024})));
  k.push_back(make_key<seconds>("http.read-timeout", [](settings& s) -> seconds& { return s.http.read_timeout; },
    "", "a client silent for this long is dropped", positive_duration<seconds>()));
  k.push_back(make_key<seconds>("http.write-timeout", [](settings& s) -> seconds& { return s.http.write_timeout; },
    "", "a client not reading its answer for this long is dropped", positive_duration<seconds>()));
  k.push_back(make_key<seconds>("http.upload-deadline", [](settings& s) -> seconds& { return s.http.upload_deadline; },
    "", "a whole upload body must arrive within this", positive_duration<seconds>()));
  k.push_back(make_key<int64_t>("http.max-in-flight-uploads", [](settings& s) -> int64_t& { return s.http.max_in_flight_uploads; },
    "", "uploads received at once before 503 overloaded", between(int64_t{1}, int64_t{100000})));
  k.push_back(make_key<double>("http.retailer-rate", [](settings& s) -> double& { return s.http.retailer_rate; },
    "", "uploads per second per retailer (token bucket refill)", between(0.001, 1e6)));
  k.push_back(make_key<int64_t>("http.retailer-burst", [](settings& s) -> int64_t& { return s.http.retailer_burst; },
    "", "uploads a retailer may send at once (token bucket size)", between(int64_t{1}, int64_t{1000000})));
  k.push_back(make_key<seconds>("http.duplicate-window", [](settings& s) -> seconds& { return s.http.duplicate_window; },
    "", "same image from the same retailer within this answers with the earlier order"));
  // database
  k.push_back(make_key<std::string>("database.url", [](settings& s) -> std::string& { return s.database.url; },
    "DATABASE_URL", "PostgreSQL connection URI (postgres://user:pass@host:port/db)", {}, true));
  k.push_back(make_key<int64_t>("database.pool-size", [](settings& s) -> int64_t& { return s.database.pool_size; },
    "", "connections in the pool, one detached actor each", between(int64_t{1}, int64_t{256})));
  k.push_back(make_key<milliseconds>("database.connect-timeout", [](settings& s) -> milliseconds& { return s.database.connect_timeout; },
    "", "deadline for opening a connection", positive_duration<milliseconds>()));
  k.push_back(make_key<milliseconds>("database.statement-timeout", [](settings& s) -> milliseconds& { return s.database.statement_timeout; },
    "", "deadline of one statement (server and client side)", positive_duration<milliseconds>()));
  k.push_back(make_key<std::string>("database.migrations-dir", [](settings& s) -> std::string& { return s.database.migrations_dir; },
    "KHAACHO_MIGRATIONS_DIR", "folder with the NNNN_name.sql migrations", not_empty()));
  k.push_back(make_key<seconds>("database.startup-wait", [](settings& s) -> seconds& { return s.database.startup_wait; },
    "", "how long serve waits for the database at start (0s: fail at once)"));
  k.push_back(make_key<bool>("database.migrate-on-start", [](settings& s) -> bool& { return s.database.migrate_on_start; },
    "", "serve applies pending migrations instead of refusing to start"));
  // node
  k.push_back(make_key<std::string>("node.id", [](settings& s) -> std::string& { return s.node.id; },
    "KHAACHO_NODE_ID", "name of this node in leases and the cluster view (default: host name)"));
  k.push_back(make_key<int64_t>("node.max-in-flight", [](settings& s) -> int64_t& { return s.node.max_in_flight; },
    "", "order supervisors alive at once on this node", between(int64_t{1}, int64_t{100000})));
  k.push_back(make_key<int64_t>("node.max-backlog", [](settings& s) -> int64_t& { return s.node.max_backlog; },
    "", "unowned PROCESSING orders beyond which uploads get 503", between(int64_t{1}, int64_t{100000000})));
  k.push_back(make_key<seconds>("node.lease-duration", [](settings& s) -> seconds& { return s.node.lease_duration; },
    "", "how long an order's lease lasts without renewal", positive_duration<seconds>()));
  k.push_back(make_key<seconds>("node.shutdown-grace", [](settings& s) -> seconds& { return s.node.shutdown_grace; },
    "", "how long shutdown waits for running stages", positive_duration<seconds>()));
  // auth
  k.push_back(make_key<std::string>("auth.jwt-secret", [](settings& s) -> std::string& { return s.auth.jwt_secret; },
    "JWT_SECRET", "HS256 secret for bearer tokens (at least 32 bytes)",
    [](const std::string& x) -> std::string {
      return x.size() >= 32 ? "" : "must be at least 32 bytes long";
    }, true));
  k.push_back(make_key<bool>("auth.dev-tokens", [](settings& s) -> bool& { return s.auth.dev_tokens; },
    "KHAACHO_DEV_TOKENS", "development only: POST /api/dev/token gives anyone a retailer token"));
  // storage
  k.push_back(make_key<std::string>("storage.backend", [](settings& s) -> std::string& { return s.storage.backend; },
    "", "where images are kept", one_of({"local", "gcs"})));
  k.push_back(make_key<std::string>("storage.local-root", [](settings& s) -> std::string& { return s.storage.local_root; },
    "KHAACHO_STORAGE_ROOT", "folder of the local backend", not_empty()));
  k.push_back(make_key<std::string>("storage.gcs-bucket", [](settings& s) -> std::string& { return s.storage.gcs_bucket; },
    "GCS_BUCKET", "bucket of the gcs backend"));
  k.push_back(make_key<std::string>("storage.gcs-endpoint", [](settings& s) -> std::string& { return s.storage.gcs_endpoint; },
    "", "base URL of the GCS JSON API", not_empty()));
  k.push_back(make_key<std::string>("storage.gcs-token", [](settings& s) -> std::string& { return s.storage.gcs_token; },
    "GCS_ACCESS_TOKEN", "OAuth access token for GCS (empty: from the metadata server)", {}, true));
  k.push_back(make_key<std::string>("storage.gcs-metadata-url", [](settings& s) -> std::string& { return s.storage.gcs_metadata_url; },
    "", "metadata server URL that hands out GCS access tokens", not_empty()));
  k.push_back(make_key<int64_t>("storage.retention-days", [](settings& s) -> int64_t& { return s.storage.retention_days; },
    "", "images older than this are deleted", between(int64_t{1}, int64_t{36500})));
  k.push_back(make_key<seconds>("storage.sweep-interval", [](settings& s) -> seconds& { return s.storage.sweep_interval; },
    "", "how often the lifecycle sweep runs", positive_duration<seconds>()));
  k.push_back(make_key<seconds>("storage.orphan-age", [](settings& s) -> seconds& { return s.storage.orphan_age; },
    "", "start-up sweep: images without an order row younger than this are kept", non_negative_duration<seconds>()));
  k.push_back(make_key<seconds>("storage.orphan-window", [](settings& s) -> seconds& { return s.storage.orphan_window; },
    "", "start-up sweep: how far back images without an order row are looked for", positive_duration<seconds>()));
  // ocr
  k.push_back(make_key<std::string>("ocr.backend", [](settings& s) -> std::string& { return s.ocr.backend; },
    "", "OCR engine", one_of({"tesseract", "vision"})));
  k.push_back(make_key<std::string>("ocr.languages", [](settings& s) -> std::string& { return s.ocr.languages; },
    "", "Tesseract languages", not_empty()));
  k.push_back(make_key<int64_t>("ocr.readings", [](settings& s) -> int64_t& { return s.ocr.readings; },
    "", "Tesseract readings per page at different scales (each costs one more pass)",
    between(int64_t{1}, int64_t{2})));
  k.push_back(make_key<double>("ocr.reread-below", [](settings& s) -> double& { return s.ocr.reread_below; },
    "", "Tesseract lines read with less confidence are read again alone, cropped, at two sizes (0: never)",
    between(0.0, 1.0)));
  k.push_back(make_key<std::string>("ocr.line-model", [](settings& s) -> std::string& { return s.ocr.line_model; },
    "", "folder of the PP-OCR line model that also reads each page (off: Tesseract alone)", not_empty()));
  k.push_back(make_key<std::string>("ocr.vision-endpoint", [](settings& s) -> std::string& { return s.ocr.vision_endpoint; },
    "", "base URL of Google Vision", not_empty()));
  k.push_back(make_key<std::string>("ocr.vision-api-key", [](settings& s) -> std::string& { return s.ocr.vision_api_key; },
    "GOOGLE_VISION_API_KEY", "API key for Google Vision", {}, true));
  k.push_back(make_key<double>("ocr.min-line-confidence", [](settings& s) -> double& { return s.ocr.min_line_confidence; },
    "", "items from lines read with less OCR confidence are flagged for review", between(0.0, 1.0)));
  // extract
  k.push_back(make_key<std::string>("extract.backend", [](settings& s) -> std::string& { return s.extract.backend; },
    "", "item extractor", one_of({"rules", "openai"})));
  k.push_back(make_key<std::string>("extract.openai-base-url", [](settings& s) -> std::string& { return s.extract.openai_base_url; },
    "OPENAI_BASE_URL", "base URL of an OpenAI-compatible API", not_empty()));
  k.push_back(make_key<std::string>("extract.openai-model", [](settings& s) -> std::string& { return s.extract.openai_model; },
    "OPENAI_MODEL", "chat model", not_empty()));
  k.push_back(make_key<std::string>("extract.openai-api-key", [](settings& s) -> std::string& { return s.extract.openai_api_key; },
    "OPENAI_API_KEY", "API key for the OpenAI backend", {}, true));
  // normalize
  k.push_back(make_key<double>("normalize.auto-match", [](settings& s) -> double& { return s.normalize.auto_match; },
    "", "score at or above which an item is matched without review", between(0.0, 1.0)));
  k.push_back(make_key<double>("normalize.review", [](settings& s) -> double& { return s.normalize.review; },
    "", "score below which an item is unmatched", between(0.0, 1.0)));
  k.push_back(make_key<milliseconds>("normalize.catalog-poll", [](settings& s) -> milliseconds& { return s.normalize.catalog_poll; },
    "", "how often the in-memory catalog looks for a newer import", positive_duration<milliseconds>()));
  // notify
  k.push_back(make_key<bool>("notify.whatsapp-enabled", [](settings& s) -> bool& { return s.notify.whatsapp_enabled; },
    "", "send RFQs over the WhatsApp Cloud API (off: outbox and log only)"));
  k.push_back(make_key<std::string>("notify.whatsapp-api-base", [](settings& s) -> std::string& { return s.notify.whatsapp_api_base; },
    "WHATSAPP_API_BASE", "Graph API base URL including the version", not_empty()));
  k.push_back(make_key<std::string>("notify.whatsapp-token", [](settings& s) -> std::string& { return s.notify.whatsapp_token; },
    "WHATSAPP_TOKEN", "WhatsApp Cloud API access token", {}, true));
  k.push_back(make_key<std::string>("notify.whatsapp-phone-number-id", [](settings& s) -> std::string& { return s.notify.whatsapp_phone_number_id; },
    "WHATSAPP_PHONE_NUMBER_ID", "sending phone number id", {}));
  k.push_back(make_key<std::string>("notify.whatsapp-template", [](settings& s) -> std::string& { return s.notify.whatsapp_template; },
    "", "approved template name of the RFQ message", not_empty()));
  k.push_back(make_key<std::string>("notify.whatsapp-language", [](settings& s) -> std::string& { return s.notify.whatsapp_language; },
    "", "template language code", not_empty()));
  k.push_back(make_key<bool>("notify.email-enabled", [](settings& s) -> bool& { return s.notify.email_enabled; },
    "", "send RFQs by SMTP (off: outbox and log only)"));
  k.push_back(make_key<std::string>("notify.smtp-url", [](settings& s) -> std::string& { return s.notify.smtp_url; },
    "SMTP_URL", "smtp://host:port or smtps://host:port", {}));
  k.push_back(make_key<std::string>("notify.smtp-tls", [](settings& s) -> std::string& { return s.notify.smtp_tls; },
    "", "none, starttls (required) or implicit", one_of({"none", "starttls", "implicit"})));
  k.push_back(make_key<std::string>("notify.smtp-user", [](settings& s) -> std::string& { return s.notify.smtp_user; },
    "SMTP_USER", "SMTP login (empty: no authentication)", {}));
  k.push_back(make_key<std::string>("notify.smtp-password", [](settings& s) -> std::string& { return s.notify.smtp_password; },
    "SMTP_PASSWORD", "SMTP password", {}, true));
  k.push_back(make_key<std::string>("notify.email-from", [](settings& s) -> std::string& { return s.notify.email_from; },
    "EMAIL_FROM", "sender address of RFQ e-mails", not_empty()));
  k.push_back(make_key<milliseconds>("notify.send-timeout", [](settings& s) -> milliseconds& { return s.notify.send_timeout; },
    "", "a provider call taking longer has an unknown outcome", positive_duration<milliseconds>()));
  k.push_back(make_key<double>("notify.whatsapp-per-second", [](settings& s) -> double& { return s.notify.whatsapp_per_second; },
    "", "WhatsApp sends per second", between(0.01, 100000.0)));
  k.push_back(make_key<double>("notify.email-per-second", [](settings& s) -> double& { return s.notify.email_per_second; },
    "", "e-mails per second", between(0.01, 100000.0)));
  // webhooks
  k.push_back(make_key<bool>("webhooks.enabled", [](settings& s) -> bool& { return s.webhooks.enabled; },
    "", "run the webhook sender on this node"));
  k.push_back(make_key<bool>("webhooks.allow-insecure", [](settings& s) -> bool& { return s.webhooks.allow_insecure; },
    "", "DEVELOPMENT ONLY: accept http:// and loopback or private addresses for webhooks"));
  k.push_back(make_key<milliseconds>("webhooks.poll-interval", [](settings& s) -> milliseconds& { return s.webhooks.poll_interval; },
    "", "how often the sender looks for due deliveries", positive_duration<milliseconds>()));
  k.push_back(make_key<milliseconds>("webhooks.send-timeout", [](settings& s) -> milliseconds& { return s.webhooks.send_timeout; },
    "", "a webhook POST taking longer has an unknown outcome and is retried", positive_duration<milliseconds>()));
  k.push_back(make_key<int64_t>("webhooks.max-attempts", [](settings& s) -> int64_t& { return s.webhooks.max_attempts; },
    "", "attempts per delivery before it ends FAILED", between(int64_t{1}, int64_t{100})));
  k.push_back(make_key<milliseconds>("webhooks.initial-backoff", [](settings& s) -> milliseconds& { return s.webhooks.initial_backoff; },
    "", "wait after a delivery's first failed attempt (doubles each time, full jitter)", positive_duration<milliseconds>()));
  k.push_back(make_key<milliseconds>("webhooks.max-backoff", [](settings& s) -> milliseconds& { return s.webhooks.max_backoff; },
    "", "longest wait between two attempts of a delivery", positive_duration<milliseconds>()));
  // pipeline
  k.push_back(make_key<bool>("pipeline.enabled", [](settings& s) -> bool& { return s.pipeline.enabled; },
    "", "process orders on this node (false: API only; other nodes claim the orders)"));
  k.push_back(make_key<seconds>("pipeline.max-processing-time", [](settings& s) -> seconds& { return s.pipeline.max_processing_time; },
    "", "an order unfinished this long after upload ends FAILED (deadline_exceeded)", positive_duration<seconds>()));
  k.push_back(make_key<milliseconds>("pipeline.claim-interval", [](settings& s) -> milliseconds& { return s.pipeline.claim_interval; },
    "", "how often waiting orders are claimed and leases renewed", positive_duration<milliseconds>()));
  k.push_back(make_key<int64_t>("pipeline.circuit-window", [](settings& s) -> int64_t& { return s.pipeline.circuit_window; },
    "", "recent attempts a stage's circuit breaker looks at", between(int64_t{1}, int64_t{100000})));
  k.push_back(make_key<int64_t>("pipeline.circuit-min-calls", [](settings& s) -> int64_t& { return s.pipeline.circuit_min_calls; },
    "", "attempts needed before a circuit may open", between(int64_t{1}, int64_t{100000})));
  k.push_back(make_key<double>("pipeline.circuit-failure-ratio", [](settings& s) -> double& { return s.pipeline.circuit_failure_ratio; },
    "", "share of transient failures that opens a stage's circuit", between(0.01, 1.0)));
  k.push_back(make_key<seconds>("pipeline.circuit-cooldown", [](settings& s) -> seconds& { return s.pipeline.circuit_cooldown; },
    "", "how long an open circuit waits before one probe attempt", positive_duration<seconds>()));
  k.push_back(make_key<bool>("pipeline.backoff-jitter", [](settings& s) -> bool& { return s.pipeline.backoff_jitter; },
    "", "randomize retry waits between zero and the exponential cap"));
  // cluster
  k.push_back(make_key<std::string>("cluster.redis-url", [](settings& s) -> std::string& { return s.cluster.redis_url; },
    "REDIS_URL", "Redis for cluster mode (empty: single node)", {}, true));
  k.push_back(make_key<seconds>("cluster.heartbeat-interval", [](settings& s) -> seconds& { return s.cluster.heartbeat_interval; },
    "", "how often a node publishes its heartbeat", positive_duration<seconds>()));
  // log
  k.push_back(make_key<std::string>("log.level", [](settings& s) -> std::string& { return s.log.level; },
    "LOG_LEVEL", "least severe level written", one_of({"trace", "debug", "info", "warn", "error"})));
  k.push_back(make_key<std::string>("log.trace-project", [](settings& s) -> std::string& { return s.log.trace_project; },
    "GOOGLE_CLOUD_PROJECT", "project id for Cloud Logging trace fields (projects/<id>/traces/<trace>); empty: bare trace id"));
  // metrics
  k.push_back(make_key<std::string>("metrics.token", [](settings& s) -> std::string& { return s.metrics.token; },
    "METRICS_TOKEN", "bearer token GET /metrics requires; empty: open to scrapers", {}, true));
  for (const char* stage : {"ocr", "extract", "normalize", "rank", "rfq", "notify"})
    add_stage_keys(k, stage);
  return k;
}

}  // namespace

const std::vector<config_key>& config_schema() {
  static const std::vector<config_key> schema = build_schema();
  return schema;
}

const config_key* find_config_key(const std::string& name) {
  for (const auto& k : config_schema())
    if (k.name == name)
      return &k;
  return nullptr;
}

}  // namespace khaacho::config
