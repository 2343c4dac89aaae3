// The service's own metrics, registered once per process and pre-resolved per
// label set, so instrumented code increments a counter it already holds.
// README "Metrics" lists every name and how it maps to the original design's
// metrics (image_upload_count, processing_duration, ...).
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "common/metrics.hpp"

namespace khaacho::metrics {

/// How a stage attempt ended (the supervisor's outcome names, in this order).
enum class stage_outcome : uint8_t {
  succeeded,
  failed_transient,
  failed_permanent,
  timed_out,
  crashed,
};
inline constexpr size_t stage_outcome_count = 5;

/// What an upload request did.
enum class upload_kind : uint8_t { created, replayed, duplicate };

/// A terminal order status.
enum class final_status : uint8_t { completed, pending_review, failed };

struct stage_instruments {
  std::array<counter*, stage_outcome_count> attempts{};
  counter* retries = nullptr;
  histogram* duration = nullptr;  ///< seconds, attempt start to answer
};

class service_metrics {
public:
  /// The process-wide set (registered on first use; thread-safe).
  static service_metrics& instance();

  metrics::registry& registry() { return registry_; }

  /// The instruments of a pipeline stage, nullptr for a name that is not one
  /// of the six (test stages).
  stage_instruments* stage(std::string_view name) noexcept;

  counter& uploads(upload_kind k) noexcept { return *uploads_[static_cast<size_t>(k)]; }
  counter& orders_finished(final_status s) noexcept { return *finished_[static_cast<size_t>(s)]; }
  histogram& processing_duration(final_status s) noexcept {
    return *processing_[static_cast<size_t>(s)];
  }
  counter& ocr(bool success) noexcept { return *ocr_[success ? 0 : 1]; }
  counter& extraction(bool success) noexcept { return *extraction_[success ? 0 : 1]; }
  counter& items_matched() noexcept { return *items_[0]; }
  counter& items_flagged() noexcept { return *items_[1]; }
  counter& items_unmatched() noexcept { return *items_[2]; }
  counter& rfqs_written() noexcept { return *rfqs_; }
  /// `channel` whatsapp or email (others land in one "other" child).
  counter& notifications(std::string_view channel, bool sent) noexcept;
  gauge& supervisors_in_flight() noexcept { return *in_flight_; }
  histogram& db_pool_wait() noexcept { return *db_pool_wait_; }
  counter_family& http_requests() noexcept { return *http_requests_; }
  histogram_family& http_duration() noexcept { return *http_duration_; }

  /// The status name (COMPLETED, PENDING_REVIEW, FAILED), or nullopt-like false.
  static bool parse_final_status(std::string_view s, final_status& out) noexcept;

private:
  service_metrics();

  metrics::registry registry_;
  std::array<stage_instruments, 6> stages_{};
  std::array<counter*, 3> uploads_{};
  std::array<counter*, 3> finished_{};
  std::array<histogram*, 3> processing_{};
  std::array<counter*, 2> ocr_{};
  std::array<counter*, 2> extraction_{};
  std::array<counter*, 3> items_{};
  counter* rfqs_ = nullptr;
  std::array<counter*, 6> notifications_{};  ///< (whatsapp, email, other) × (sent, failed)
  gauge* in_flight_ = nullptr;
  histogram* db_pool_wait_ = nullptr;
  counter_family* http_requests_ = nullptr;
  histogram_family* http_duration_ = nullptr;
};

}  // namespace khaacho::metrics
