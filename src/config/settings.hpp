// Every setting of the service, with its embedded default. Filled by
// load_settings from config/khaacho.conf, the environment and flags.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string_view>
#include <string>

namespace khaacho::config {

using std::chrono::milliseconds;
using std::chrono::seconds;

/// Retry and rate limits of one pipeline stage; defaults mirror the original
/// Cloud Tasks queue (3 attempts, exponential backoff capped at an hour).
struct stage_policy {
  int64_t max_attempts = 3;
  milliseconds initial_backoff{1000};
  milliseconds max_backoff{3600 * 1000};
  milliseconds timeout{60 * 1000};
  int64_t max_concurrent = 10;
  double max_per_second = 50.0;
};

struct http_settings {
  std::string host = "0.0.0.0";
  int64_t port = 8080;
  int64_t max_upload_bytes = 10 * 1024 * 1024;
  /// Largest width x height an image may declare (decompression bombs: a
  /// small file announcing a huge picture is refused before any decoding).
  int64_t max_image_pixels = 64'000'000;
  int64_t threads = 8;
  /// A client that sends nothing for this long is dropped (slowloris).
  seconds read_timeout{10};
  seconds write_timeout{10};
  /// A whole upload body must arrive within this, however steadily it trickles.
  seconds upload_deadline{60};
  /// Uploads being received and stored at once; more get 503 overloaded.
  int64_t max_in_flight_uploads = 64;
  /// Per-retailer token bucket for uploads: refill rate and burst.
  double retailer_rate = 2.0;
  int64_t retailer_burst = 20;
  /// The same image bytes from the same retailer within this window answer
  /// with the earlier order (unless ?allowDuplicate=true).
  seconds duplicate_window{24 * 3600};
};

struct database_settings {
  std::string url;  ///< DATABASE_URL; required by commands that touch the database
  int64_t pool_size = 4;
  milliseconds connect_timeout{5000};
  milliseconds statement_timeout{30000};
  std::string migrations_dir = "migrations";
  /// How long `serve` waits for the database to come up before giving up.
  seconds startup_wait{30};
  bool migrate_on_start = false;
};

struct node_settings {
  std::string id;  ///< empty: the host name
  int64_t max_in_flight = 64;
  int64_t max_backlog = 10000;
  seconds lease_duration{60};
  seconds shutdown_grace{20};
};

struct auth_settings {
  std::string jwt_secret;  ///< JWT_SECRET; secret, never logged
  /// Development only: POST /api/dev/token mints retailer tokens for anyone
  /// who can reach the server (off: the dev routes answer 404).
  bool dev_tokens = false;
};

struct storage_settings {
  std::string backend = "local";  ///< local | gcs
  std::string local_root = ".local/storage";
  std::string gcs_bucket;
  std::string gcs_endpoint = "https://storage.googleapis.com";
  /// GCS_ACCESS_TOKEN; secret. Empty: ask the metadata server below.
  std::string gcs_token;
  std::string gcs_metadata_url =
    "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token";
  int64_t retention_days = 90;
  /// How often the lifecycle sweep looks for images past retention.
  seconds sweep_interval{3600};
  /// Start-up orphan sweep: images younger than this are never taken for
  /// orphans (an upload may still be committing its row).
  seconds orphan_age{900};
  /// Start-up orphan sweep: how far back images are checked.
  seconds orphan_window{2 * 86400};
};

struct ocr_settings {
  std::string backend = "tesseract";  ///< tesseract | vision
  /// Debian's script models (tesseract-ocr-script-latn, -script-deva) read
  /// the dev set's handwriting better than eng+nep (item F1 0.74 vs 0.67).
  std::string languages = "Latin+Devanagari";
  /// Tesseract readings of each page at different scales (1 or 2); the
  /// extract stage keeps, per line, the one that fits the catalog.
  int64_t readings = 2;
  /// Lines of the first reading read with less confidence than this are
  /// read again on their own at two line heights (0: never).
  double reread_below = 0.8;
  /// Folder of the PP-OCR line model (scripts/run.sh installs it there),
  /// whose reading of the page is one more alternative per line; relative
  /// to the working folder. "off": Tesseract alone. When the default folder
  /// is missing the service warns once and reads with Tesseract alone; a
  /// folder set explicitly must be there.
  std::string line_model = std::string{default_line_model};
  static constexpr std::string_view default_line_model = ".local/line-model";
  std::string vision_endpoint = "https://vision.googleapis.com";
  std::string vision_api_key;  ///< secret
  /// Items read from a line the engine was less sure of are flagged for review.
  double min_line_confidence = 0.6;
};

struct extract_settings {
  std::string backend = "rules";  ///< rules | openai
  std::string openai_base_url = "https://api.openai.com/v1";
  std::string openai_model = "gpt-4o-mini";
  std::string openai_api_key;  ///< OPENAI_API_KEY; secret
};

struct normalize_settings {
  double auto_match = 0.85;
  /// Below auto_match and at or above this, the best product is shown as a
  /// suggestion on a flagged item (never sent to wholesalers unreviewed).
  /// 0.4 rather than 0.6: on the dev set more of the 0.4-0.6 suggestions
  /// are right than wrong (item F1 +0.005..0.01), and a suggestion is
  /// quicker to confirm than a search.
  double review = 0.4;
  /// How often the in-memory catalog checks catalog_state.version.
  milliseconds catalog_poll{2000};
};

/// Where RFQ notifications go. With a channel off (the default), its outbox
/// rows are written and logged only.
struct notify_settings {
  bool whatsapp_enabled = false;
  std::string whatsapp_api_base = "https://graph.facebook.com/v19.0";
  std::string whatsapp_token;  ///< WHATSAPP_TOKEN; secret
  std::string whatsapp_phone_number_id;
  std::string whatsapp_template = "rfq_request";
  std::string whatsapp_language = "en";
  bool email_enabled = false;
  /// smtp://host:port or smtps://host:port
  std::string smtp_url;
  /// none | starttls (required) | implicit (smtps://)
  std::string smtp_tls = "starttls";
  std::string smtp_user;
  std::string smtp_password;  ///< SMTP_PASSWORD; secret
  std::string email_from = "rfq@khaacho.local";
  /// One call to a provider may take this long before its outcome is unknown.
  milliseconds send_timeout{15000};
  /// Sends per second per channel (token bucket), on top of the notify gate.
  double whatsapp_per_second = 20.0;
  double email_per_second = 10.0;
};

/// Webhooks (API.md "Webhooks"): who may be posted to, and the sender that
/// drains the webhook_deliveries outbox on this node.
struct webhook_settings {
  bool enabled = true;  ///< run a sender on this node
  /// Development only: allow http:// and loopback/private addresses.
  bool allow_insecure = false;
  milliseconds poll_interval{1000};
  /// One POST may take this long; after that its outcome is unknown.
  milliseconds send_timeout{10000};
  int64_t max_attempts = 15;
  milliseconds initial_backoff{10000};
  milliseconds max_backoff{3600 * 1000};
};

struct cluster_settings {
  std::string redis_url;  ///< REDIS_URL; empty means single node
  seconds heartbeat_interval{5};
};

struct pipeline_settings {
  /// false: this node serves the API and accepts uploads but processes no
  /// orders (another node, e.g. `khaacho worker`, claims them).
  bool enabled = true;
  /// An order still PROCESSING this long after upload (or an operator's
  /// retry) ends FAILED with reason deadline_exceeded.
  seconds max_processing_time{24 * 3600};
  /// How often the registry claims waiting orders and renews leases.
  milliseconds claim_interval{1000};
  /// Circuit breaker of every stage gate.
  int64_t circuit_window = 20;
  int64_t circuit_min_calls = 10;
  double circuit_failure_ratio = 0.8;
  seconds circuit_cooldown{30};
  /// Full jitter on retry backoff (off only for predictable tests).
  bool backoff_jitter = true;
};

struct log_settings {
  std::string level = "info";  ///< trace | debug | info | warn | error
  /// Google Cloud project of logging.googleapis.com/trace
  /// (projects/<project>/traces/<id>); empty: the bare trace id.
  std::string trace_project;
};

struct metrics_settings {
  /// Bearer token /metrics requires; empty leaves it open to scrapers.
  std::string token;
};

struct settings {
  http_settings http;
  database_settings database;
  node_settings node;
  auth_settings auth;
  storage_settings storage;
  ocr_settings ocr;
  extract_settings extract;
  normalize_settings normalize;
  notify_settings notify;
  webhook_settings webhooks;
  cluster_settings cluster;
  pipeline_settings pipeline;
  log_settings log;
  metrics_settings metrics;
  /// Keyed by stage name: ocr, extract, normalize, rank, rfq, notify.
  std::map<std::string, stage_policy> stages = default_stages();

  static std::map<std::string, stage_policy> default_stages();
};

}  // namespace khaacho::config
