// Metric updates, the lock-free child lookup and the text format 0.0.4.
#include "common/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace khaacho::metrics {

namespace {

void atomic_add(std::atomic<double>& a, double d) noexcept {
  // No fetch_add for floating point before C++20.
  double cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + d, std::memory_order_relaxed))
    ;
}

bool name_char(char c, bool first, bool colon) {
  bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
  return alpha || (!first && c >= '0' && c <= '9');
}

}  // namespace

void gauge::add(double d) noexcept {
  atomic_add(value_, d);
}

histogram::histogram(std::shared_ptr<const std::vector<double>> bounds)
  : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_->size() + 1]) {
  for (size_t i = 0; i <= bounds_->size(); ++i)
    buckets_[i].store(0, std::memory_order_relaxed);
}

void histogram::observe(double v) noexcept {
  const auto& b = *bounds_;
  // Prometheus buckets are "less than or equal": the first bound >= v.
  size_t i = static_cast<size_t>(std::lower_bound(b.begin(), b.end(), v) - b.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, v);
}

std::vector<uint64_t> histogram::bucket_counts() const {
  std::vector<uint64_t> out(bounds_->size() + 1);
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = buckets_[i].load(std::memory_order_relaxed);
  return out;
}

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string escape_help(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_value(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

bool valid_metric_name(std::string_view name) {
  if (name.empty())
    return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (!name_char(name[i], i == 0, true))
      return false;
  return true;
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || name.substr(0, 2) == "__")
    return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (!name_char(name[i], i == 0, false))
      return false;
  return true;
}

void text_writer::family(std::string_view name, std::string_view help, std::string_view type) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += escape_help(help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void text_writer::sample(std::string_view name, const std::vector<std::string>& names,
                         const std::vector<std::string>& values, double value, std::string_view le) {
  out_ += name;
  if (!names.empty() || !le.empty()) {
    out_ += '{';
    bool first = true;
    for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
      if (!first)
        out_ += ',';
      first = false;
      out_ += names[i];
      out_ += "=\"";
      out_ += escape_label_value(values[i]);
      out_ += '"';
    }
    if (!le.empty()) {
      if (!first)
        out_ += ',';
      out_ += "le=\"";
      out_ += le;
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
  out_ += format_value(value);
  out_ += '\n';
}

void text_writer::sample(std::string_view name,
                         std::initializer_list<std::pair<std::string_view, std::string_view>> labels,
                         double value) {
  std::vector<std::string> names;
  std::vector<std::string> values;
  for (const auto& [k, v] : labels) {
    names.emplace_back(k);
    values.emplace_back(v);
  }
  sample(name, names, values, value);
}

template <class Metric>
family<Metric>::family(std::string name, std::string help, std::vector<std::string> label_names,
                       std::shared_ptr<const std::vector<double>> bounds)
  : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)),
    bounds_(std::move(bounds)) {
  for (auto& s : slots_)
    s.store(nullptr, std::memory_order_relaxed);
  overflow_ = std::unique_ptr<child>{
    make_child(std::vector<std::string>(label_names_.size(), "_overflow"))};
}

template <class Metric>
typename family<Metric>::child* family<Metric>::make_child(std::vector<std::string> values) {
  if constexpr (std::is_same_v<Metric, histogram>)
    return new child(std::move(values), bounds_);
  else
    return new child(std::move(values));
}

template <class Metric>
template <class It>
Metric& family<Metric>::find_or_add(It first, It last) {
  auto matches = [&](const child* c) {
    if (c->values.size() != static_cast<size_t>(last - first))
      return false;
    size_t i = 0;
    for (It it = first; it != last; ++it, ++i)
      if (c->values[i] != *it)
        return false;
    return true;
  };
  // Lock-free: slots below size_ were fully built before size_ was published.
  size_t n = size_.load(std::memory_order_acquire);
  for (size_t i = 0; i < n; ++i) {
    auto* c = slots_[i].load(std::memory_order_acquire);
    if (matches(c))
      return c->metric;
  }
  std::lock_guard<std::mutex> guard{add_mtx_};
  n = size_.load(std::memory_order_relaxed);
  for (size_t i = 0; i < n; ++i) {
    auto* c = slots_[i].load(std::memory_order_relaxed);
    if (matches(c))
      return c->metric;
  }
  if (static_cast<size_t>(last - first) != label_names_.size() || n == max_children)
    return overflow_->metric;
  auto* c = make_child(std::vector<std::string>(first, last));
  owned_.emplace_back(c);
  slots_[n].store(c, std::memory_order_release);
  size_.store(n + 1, std::memory_order_release);
  return c->metric;
}

template <class Metric>
Metric& family<Metric>::with(std::initializer_list<std::string_view> values) {
  return find_or_add(values.begin(), values.end());
}

template <class Metric>
void family<Metric>::render(text_writer& out) const {
  const char* type = std::is_same_v<Metric, counter> ? "counter"
                     : std::is_same_v<Metric, gauge> ? "gauge"
                                                     : "histogram";
  out.family(name_, help_, type);
  size_t n = size_.load(std::memory_order_acquire);
  auto render_child = [&](const child& c) {
    if constexpr (std::is_same_v<Metric, histogram>) {
      auto counts = c.metric.bucket_counts();
      const auto& bounds = c.metric.bounds();
      // Cumulative; _count is the +Inf bucket so the two always agree, even
      // while other threads observe.
      uint64_t cumulative = 0;
      for (size_t i = 0; i < counts.size(); ++i) {
        cumulative += counts[i];
        auto le = i < bounds.size() ? format_value(bounds[i]) : std::string{"+Inf"};
        out.sample(name_ + "_bucket", label_names_, c.values, static_cast<double>(cumulative), le);
      }
      out.sample(name_ + "_sum", label_names_, c.values, c.metric.sum());
      out.sample(name_ + "_count", label_names_, c.values, static_cast<double>(cumulative));
    } else {
      out.sample(name_, label_names_, c.values, static_cast<double>(c.metric.value()));
    }
  };
  for (size_t i = 0; i < n; ++i)
    render_child(*slots_[i].load(std::memory_order_acquire));
  // The overflow child shows only once something landed there.
  bool used = false;
  if constexpr (std::is_same_v<Metric, histogram>) {
    for (auto v : overflow_->metric.bucket_counts())
      used = used || v > 0;
  } else {
    used = overflow_->metric.value() != 0;
  }
  if (used)
    render_child(*overflow_);
}

template class family<counter>;
template class family<gauge>;
template class family<histogram>;

void registry::check_new(const std::string& name, const std::vector<std::string>& labels) const {
  if (!valid_metric_name(name))
    throw std::invalid_argument("invalid metric name: " + name);
  for (const auto& l : labels)
    if (!valid_label_name(l) || l == "le")
      throw std::invalid_argument("invalid label name on " + name + ": " + l);
  if (std::find(names_.begin(), names_.end(), name) != names_.end())
    throw std::invalid_argument("metric registered twice: " + name);
}

counter_family& registry::add_counter(std::string name, std::string help,
                                      std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> guard{mtx_};
  check_new(name, label_names);
  names_.push_back(name);
  auto f = std::make_unique<counter_family>(std::move(name), std::move(help), std::move(label_names));
  auto& ref = *f;
  families_.push_back(std::move(f));
  return ref;
}

gauge_family& registry::add_gauge(std::string name, std::string help,
                                  std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> guard{mtx_};
  check_new(name, label_names);
  names_.push_back(name);
  auto f = std::make_unique<gauge_family>(std::move(name), std::move(help), std::move(label_names));
  auto& ref = *f;
  families_.push_back(std::move(f));
  return ref;
}

histogram_family& registry::add_histogram(std::string name, std::string help,
                                          std::vector<std::string> label_names,
                                          std::vector<double> bounds) {
  std::lock_guard<std::mutex> guard{mtx_};
  check_new(name, label_names);
  if (bounds.empty() || !std::is_sorted(bounds.begin(), bounds.end())
      || std::adjacent_find(bounds.begin(), bounds.end()) != bounds.end()
      || std::isinf(bounds.back()))
    throw std::invalid_argument("histogram bounds must be finite and strictly ascending: " + name);
  names_.push_back(name);
  auto shared = std::make_shared<const std::vector<double>>(std::move(bounds));
  auto f = std::make_unique<histogram_family>(std::move(name), std::move(help),
                                              std::move(label_names), std::move(shared));
  auto& ref = *f;
  families_.push_back(std::move(f));
  return ref;
}

void registry::render(text_writer& out) const {
  std::lock_guard<std::mutex> guard{mtx_};
  for (const auto& f : families_)
    f->render(out);
}

std::string registry::render() const {
  text_writer out;
  render(out);
  return out.release();
}

std::vector<double> exponential_buckets(double start, double factor, size_t count) {
  std::vector<double> out;
  out.reserve(count);
  double v = start;
  for (size_t i = 0; i < count; ++i, v *= factor)
    out.push_back(v);
  return out;
}

}  // namespace khaacho::metrics
