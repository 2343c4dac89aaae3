// A small Prometheus metrics library: counters, gauges and histograms in
// labelled families, rendered in the text exposition format 0.0.4.
//
// Updates are relaxed atomics and never allocate or lock, so they are safe on
// any thread, CAF's cooperative ones included. Looking up a child by label
// values scans the family's published children without a lock; only the first
// use of a new label set takes the family's mutex and allocates. Hot paths
// keep the reference they got once (children live as long as the registry).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace khaacho::metrics {

/// A monotonically increasing count.
class counter {
public:
  void inc(uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<uint64_t> value_{0};
};

/// A value that goes up and down.
class gauge {
public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double d) noexcept;
  void sub(double d) noexcept { add(-d); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<double> value_{0.0};
};

/// Observations counted into fixed buckets (upper bounds, ascending; +Inf is implicit).
class histogram {
public:
  explicit histogram(std::shared_ptr<const std::vector<double>> bounds);
  void observe(double v) noexcept;

  /// Per-bucket (not cumulative) counts; the last one is the +Inf bucket.
  std::vector<uint64_t> bucket_counts() const;
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }
  const std::vector<double>& bounds() const noexcept { return *bounds_; }

private:
  std::shared_ptr<const std::vector<double>> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  ///< bounds + 1 (+Inf)
  std::atomic<double> sum_{0.0};
};

/// Writes the text exposition format 0.0.4: one HELP and TYPE per family,
/// then its samples. Used by the registry and for values read at scrape time.
class text_writer {
public:
  /// Starts a family; `type` is counter, gauge, histogram or untyped.
  void family(std::string_view name, std::string_view help, std::string_view type);

  /// One sample line. `names` and `values` pair up; `le` (when not empty) is
  /// appended as the last label.
  void sample(std::string_view name, const std::vector<std::string>& names,
              const std::vector<std::string>& values, double value, std::string_view le = {});

  /// Convenience for scrape-time gauges: labels as (name, value) pairs.
  void sample(std::string_view name,
              std::initializer_list<std::pair<std::string_view, std::string_view>> labels,
              double value);

  const std::string& str() const noexcept { return out_; }
  std::string release() { return std::move(out_); }

private:
  std::string out_;
};

/// A label value escaped for the text format (backslash, double quote, newline).
std::string escape_label_value(std::string_view v);
/// HELP text escaped for the text format (backslash, newline).
std::string escape_help(std::string_view v);
/// A sample value: shortest round-trip decimal, or +Inf, -Inf, NaN.
std::string format_value(double v);
/// True for a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).
bool valid_metric_name(std::string_view name);
/// True for a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __).
bool valid_label_name(std::string_view name);

class family_base {
public:
  virtual ~family_base() = default;
  virtual void render(text_writer& out) const = 0;
};

/// Children of one metric name, one per set of label values. At most
/// `max_children` distinct label sets; past that, lookups answer one shared
/// child whose label values are all "_overflow" (a bug guard against
/// unbounded label values, never a silent loss of counts).
template <class Metric>
class family : public family_base {
public:
  static constexpr size_t max_children = 512;

  family(std::string name, std::string help, std::vector<std::string> label_names,
         std::shared_ptr<const std::vector<double>> bounds = nullptr);

  /// The child for `values` (one per label name), created on first use.
  Metric& with(std::initializer_list<std::string_view> values);

  const std::string& name() const noexcept { return name_; }

  void render(text_writer& out) const override;

private:
  struct child {
    std::vector<std::string> values;
    Metric metric;
    template <class... Args>
    explicit child(std::vector<std::string> v, Args&&... args)
      : values(std::move(v)), metric(std::forward<Args>(args)...) {
    }
  };

  template <class It>
  Metric& find_or_add(It first, It last);
  child* make_child(std::vector<std::string> values);

  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::shared_ptr<const std::vector<double>> bounds_;
  // Published children: slots [0, size_) are immutable once stored.
  std::array<std::atomic<child*>, max_children> slots_{};
  std::atomic<size_t> size_{0};
  std::mutex add_mtx_;
  std::vector<std::unique_ptr<child>> owned_;
  std::unique_ptr<child> overflow_;
};

using counter_family = family<counter>;
using gauge_family = family<gauge>;
using histogram_family = family<histogram>;

/// Owns metric families and renders them in registration order. Register at
/// start-up; names and label names are checked then (std::invalid_argument).
class registry {
public:
  counter_family& add_counter(std::string name, std::string help,
                              std::vector<std::string> label_names = {});
  gauge_family& add_gauge(std::string name, std::string help,
                          std::vector<std::string> label_names = {});
  histogram_family& add_histogram(std::string name, std::string help,
                                  std::vector<std::string> label_names, std::vector<double> bounds);

  /// Every family in the text format.
  void render(text_writer& out) const;
  std::string render() const;

private:
  void check_new(const std::string& name, const std::vector<std::string>& labels) const;

  mutable std::mutex mtx_;
  std::vector<std::unique_ptr<family_base>> families_;
  std::vector<std::string> names_;
};

/// Bucket bounds start, start*factor, ... (count of them).
std::vector<double> exponential_buckets(double start, double factor, size_t count);

}  // namespace khaacho::metrics
