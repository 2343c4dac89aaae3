#include "model/circuit_breaker.hpp"

namespace khaacho::model {

circuit_breaker::state circuit_breaker::current(time_point now) const {
  if (state_ == state::open && now >= open_until_)
    return state::half_open;
  return state_;
}

bool circuit_breaker::allow(time_point now) {
  switch (current(now)) {
    case state::closed:
      return true;
    case state::open:
      return false;
    case state::half_open:
      state_ = state::half_open;
      if (probe_out_)
        return false;
      probe_out_ = true;
      return true;
  }
  return true;
}

void circuit_breaker::trip(time_point now) {
  state_ = state::open;
  open_until_ = now + policy_.cooldown;
  probe_out_ = false;
  outcomes_.clear();
  failures_ = 0;
  ++trips_;
}

void circuit_breaker::record(bool transient_failure, time_point now) {
  if (state_ == state::half_open || (state_ == state::open && now >= open_until_)) {
    // The probe's verdict.
    if (transient_failure) {
      trip(now);
    } else {
      state_ = state::closed;
      probe_out_ = false;
    }
    return;
  }
  if (state_ == state::open)
    return;  // a straggler dispatched before the circuit opened
  outcomes_.push_back(transient_failure);
  failures_ += transient_failure ? 1 : 0;
  while (outcomes_.size() > policy_.window) {
    failures_ -= outcomes_.front() ? 1 : 0;
    outcomes_.pop_front();
  }
  if (outcomes_.size() >= policy_.min_calls
      && static_cast<double>(failures_) >= policy_.failure_ratio * static_cast<double>(outcomes_.size()))
    trip(now);
}

const char* to_string(circuit_breaker::state s) noexcept {
  switch (s) {
    case circuit_breaker::state::closed: return "closed";
    case circuit_breaker::state::open: return "open";
    case circuit_breaker::state::half_open: return "half_open";
  }
  return "closed";
}

}  // namespace khaacho::model
