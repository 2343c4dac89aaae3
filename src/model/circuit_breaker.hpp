// A circuit breaker over the recent outcomes of one stage: when most recent
// attempts failed transiently, stop dispatching for a cool-down, then let one
// probe through; its success closes the circuit, its failure re-opens it.
// Pure: the caller passes the time.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>

namespace khaacho::model {

struct circuit_policy {
  size_t window = 20;            ///< recent outcomes considered
  size_t min_calls = 10;         ///< fewer outcomes never open the circuit
  double failure_ratio = 0.8;    ///< transient failures / outcomes that opens it
  std::chrono::milliseconds cooldown{30000};
};

class circuit_breaker {
public:
  using time_point = std::chrono::steady_clock::time_point;
  enum class state { closed, open, half_open };

  explicit circuit_breaker(circuit_policy policy = {}) : policy_(policy) {
  }

  /// May an attempt start now? In half-open state only one probe may be out.
  bool allow(time_point now);

  /// Reports the outcome of an attempt that allow() let through.
  /// `transient_failure`: failed in a way that says the service is unwell
  /// (timeouts, 5xx); permanent failures and successes count as healthy.
  void record(bool transient_failure, time_point now);

  state current(time_point now) const;

  /// When an open circuit lets its probe through.
  time_point reopens_at() const noexcept { return open_until_; }

  /// Times the circuit opened since construction.
  int64_t trips() const noexcept { return trips_; }

private:
  void trip(time_point now);

  circuit_policy policy_;
  std::deque<bool> outcomes_;  ///< true = transient failure
  size_t failures_ = 0;
  state state_ = state::closed;
  bool probe_out_ = false;
  time_point open_until_{};
  int64_t trips_ = 0;
};

const char* to_string(circuit_breaker::state s) noexcept;

}  // namespace khaacho::model
