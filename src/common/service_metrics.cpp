// Registration of the service's metrics: names, help texts, label sets and
// bucket bounds in one place.
#include "common/service_metrics.hpp"

#include <chrono>
#include <string>

namespace khaacho::metrics {

namespace {

// The pipeline's stage names (actors/stage_protocol.hpp's pipeline_stages;
// common/ sits below actors/, so the list is repeated here).
constexpr std::array<std::string_view, 6> stage_names{"ocr",       "extract", "normalize",
                                                      "rank",      "rfq",     "notify"};
constexpr std::array<std::string_view, stage_outcome_count> outcome_names{
  "succeeded", "failed_transient", "failed_permanent", "timed_out", "crashed"};
constexpr std::array<std::string_view, 3> status_names{"COMPLETED", "PENDING_REVIEW", "FAILED"};

// Upload → terminal status: seconds to an hour (the default deadline is a day,
// but an order that slow is an incident, not a distribution).
const std::vector<double> processing_bounds{0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 900, 3600};
// One attempt: OCR ~1 s, an LLM call a few, database stages milliseconds.
const std::vector<double> stage_bounds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                       1,     2.5,  5,     10,   30,  60,   300};
// Waiting for a pool connection: microseconds when idle, the statement time when busy.
const std::vector<double> pool_wait_bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                           0.01,   0.025,   0.05,   0.1,   0.5,    2.5};
const std::vector<double> http_bounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                      0.25,  0.5,    1,     2.5,  5,     10};

}  // namespace

service_metrics& service_metrics::instance() {
  static service_metrics m;
  return m;
}

service_metrics::service_metrics() {
  auto& r = registry_;
  auto& build = r.add_gauge("khaacho_build_info", "The running build; always 1.", {"version"});
  build.with({KHAACHO_VERSION}).set(1);
  auto& start = r.add_gauge("process_start_time_seconds",
                            "Start time of the process since the Unix epoch in seconds.");
  start.with({}).set(std::chrono::duration<double>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count());

  auto& uploads = r.add_counter("khaacho_image_uploads_total",
                                "Upload requests answered with an order (image_upload_count):"
                                " created = a new order (202), replayed = Idempotency-Key seen"
                                " before, duplicate = the same image within the duplicate window.",
                                {"outcome"});
  uploads_ = {&uploads.with({"created"}), &uploads.with({"replayed"}),
              &uploads.with({"duplicate"})};

  auto& finished = r.add_counter("khaacho_orders_finished_total",
                                 "Orders a supervisor on this node brought to a terminal status.",
                                 {"status"});
  auto& processing = r.add_histogram(
    "khaacho_processing_duration_seconds",
    "From the start of an order's processing round (the upload, or an operator retry or review"
    " that resumed it) to its terminal status (processing_duration).",
    {"status"}, processing_bounds);
  for (size_t i = 0; i < status_names.size(); ++i) {
    finished_[i] = &finished.with({status_names[i]});
    processing_[i] = &processing.with({status_names[i]});
  }

  auto& ocr = r.add_counter("khaacho_ocr_results_total",
                            "OCR stage attempts by result (ocr_success_rate).", {"result"});
  ocr_ = {&ocr.with({"success"}), &ocr.with({"failure"})};
  auto& extraction =
    r.add_counter("khaacho_item_extractions_total",
                  "Item extraction stage attempts by result, rules or LLM backend"
                  " (llm_extraction_rate).",
                  {"result"});
  extraction_ = {&extraction.with({"success"}), &extraction.with({"failure"})};
  auto& items = r.add_counter("khaacho_normalized_items_total",
                              "Items matched to the catalog (normalization_accuracy): matched ="
                              " sure, flagged = matched but needs review, unmatched = no product.",
                              {"result"});
  items_ = {&items.with({"matched"}), &items.with({"flagged"}), &items.with({"unmatched"})};
  rfqs_ = &r.add_counter("khaacho_rfq_broadcasts_total",
                         "RFQs written to wholesalers (rfq_broadcast_count), revisions included.")
             .with({});
  auto& notifications = r.add_counter(
    "khaacho_notifications_total",
    "Notifications handed to a provider: sent = accepted, failed = refused for good.",
    {"channel", "result"});
  size_t n = 0;
  for (const char* ch : {"whatsapp", "email", "other"})
    for (const char* res : {"sent", "failed"})
      notifications_[n++] = &notifications.with({ch, res});

  in_flight_ = &r.add_gauge("khaacho_supervisors_in_flight",
                            "Order supervisors alive on this node (orders being processed).")
                  .with({});
  auto& attempts = r.add_counter("khaacho_stage_attempts_total",
                                 "Stage attempts that ended, by stage and outcome.",
                                 {"stage", "outcome"});
  auto& retries = r.add_counter("khaacho_stage_retries_total",
                                "Failed stage attempts that were scheduled to run again.",
                                {"stage"});
  auto& durations = r.add_histogram("khaacho_stage_duration_seconds",
                                    "Stage attempts from their start in the stage (after any"
                                    " wait in the gate) to the answer.",
                                    {"stage"}, stage_bounds);
  for (size_t i = 0; i < stage_names.size(); ++i) {
    for (size_t o = 0; o < stage_outcome_count; ++o)
      stages_[i].attempts[o] = &attempts.with({stage_names[i], outcome_names[o]});
    stages_[i].retries = &retries.with({stage_names[i]});
    stages_[i].duration = &durations.with({stage_names[i]});
  }

  db_pool_wait_ = &r.add_histogram("khaacho_db_pool_wait_seconds",
                                   "Time a statement waited in the pool for a connection.", {},
                                   pool_wait_bounds)
                     .with({});
  http_requests_ = &r.add_counter("khaacho_http_requests_total",
                                  "HTTP requests by method, route pattern and status code.",
                                  {"method", "route", "status"});
  http_duration_ = &r.add_histogram("khaacho_http_request_duration_seconds",
                                    "HTTP requests from routing (headers read) to the answer"
                                    " being ready, by method and route pattern.",
                                    {"method", "route"}, http_bounds);
}

stage_instruments* service_metrics::stage(std::string_view name) noexcept {
  for (size_t i = 0; i < stage_names.size(); ++i)
    if (stage_names[i] == name)
      return &stages_[i];
  return nullptr;
}

counter& service_metrics::notifications(std::string_view channel, bool sent) noexcept {
  size_t ch = channel == "whatsapp" ? 0 : channel == "email" ? 1 : 2;
  return *notifications_[ch * 2 + (sent ? 0 : 1)];
}

bool service_metrics::parse_final_status(std::string_view s, final_status& out) noexcept {
  for (size_t i = 0; i < status_names.size(); ++i)
    if (status_names[i] == s) {
      out = static_cast<final_status>(i);
      return true;
    }
  return false;
}

}  // namespace khaacho::metrics
