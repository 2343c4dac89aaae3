// What flows between an order's supervisor, the stage gates and the stages.
//
//   supervisor --(run, stage_request)--> stage_gate --(run, stage_request)--> stage actor
//              <--(started, attempt)----  (queue, limits,                       (blocking work in
//              <------ stage_result -----  circuit breaker)  <-- stage_result--  detached workers)
//
// A stage fails with a caf::error: transient (is_transient) failures are
// retried by the supervisor, others end the order. stage_failure() attaches
// an outside service's Retry-After.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include <caf/error.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "common/errc.hpp"

namespace khaacho {

/// The six stages in pipeline order.
inline const char* const pipeline_stages[] = {"ocr", "extract", "normalize", "rank", "rfq", "notify"};
inline constexpr size_t pipeline_stage_count = 6;

struct stage_request {
  std::string order_id;
  std::string retailer_id;
  std::string stage;
  int32_t attempt = 1;
  int64_t lease_epoch = 0;
  /// Outputs of the stages already done (stage name → JSON text).
  std::map<std::string, std::string> checkpoints;
  /// The order's W3C trace id (32 hex) and this attempt's span id (16 hex):
  /// the stage's log lines and outgoing calls carry them (trace::scope).
  std::string trace_id;
  std::string span_id;
};

struct stage_result {
  std::string output = "{}";  ///< JSON text, stored as the stage's checkpoint
  /// Stop after this stage with PENDING_REVIEW (a person must look).
  bool needs_review = false;
  std::string review_reason;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stage_request& x) {
  return f(caf::meta::type_name("stage_request"), x.order_id, x.retailer_id, x.stage, x.attempt,
           x.lease_epoch, x.checkpoints, x.trace_id, x.span_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stage_result& x) {
  return f(caf::meta::type_name("stage_result"), x.output, x.needs_review, x.review_reason);
}

/// A stage as its gate sees it. `cancel` tells it that the attempt of that
/// order was abandoned (timeout, shutdown); stages may ignore it.
using stage_actor = caf::typed_actor<caf::replies_to<run_atom, stage_request>::with<stage_result>,
                                     caf::reacts_to<cancel_atom, std::string>>;

/// A failure with the wait the outside service asked for (HTTP Retry-After).
caf::error stage_failure(errc code, std::string message,
                         std::optional<std::chrono::milliseconds> retry_after = std::nullopt);

/// The Retry-After carried by a stage_failure, if any.
std::optional<std::chrono::milliseconds> retry_after_of(const caf::error& err);

}  // namespace khaacho
