// Per-key token buckets (one per retailer), shared by the HTTP threads.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "model/token_bucket.hpp"

namespace khaacho::services {

class rate_limiter {
public:
  rate_limiter(double rate, double burst) : rate_(rate), burst_(burst) {
  }

  /// Takes a token of `key`'s bucket; false with `retry_after` when empty.
  bool allow(const std::string& key, std::chrono::milliseconds& retry_after);

private:
  /// Forgets full buckets (they behave exactly like new ones), so the map
  /// stays as small as the set of recently active keys.
  void prune(model::token_bucket::time_point now);

  double rate_;
  double burst_;
  std::mutex mtx_;
  std::unordered_map<std::string, model::token_bucket> buckets_;
  size_t prune_at_ = 1024;
};

/// Counts work in progress against a cap; a slot is held by the RAII guard.
class inflight_gate {
public:
  explicit inflight_gate(int64_t cap) : cap_(cap) {
  }

  class slot {
  public:
    explicit slot(inflight_gate* g = nullptr) : gate_(g) {
    }
    slot(slot&& other) noexcept : gate_(other.gate_) {
      other.gate_ = nullptr;
    }
    slot& operator=(slot&&) = delete;
    ~slot();
    explicit operator bool() const noexcept { return gate_ != nullptr; }

  private:
    inflight_gate* gate_;
  };

  /// A held slot, or an empty one when the cap is reached.
  slot try_enter();

  int64_t in_flight() const noexcept;

private:
  mutable std::mutex mtx_;
  int64_t cap_;
  int64_t count_ = 0;
};

}  // namespace khaacho::services
