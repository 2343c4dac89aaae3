// A strict test-side reader of the Prometheus text format 0.0.4, stricter
// than Prometheus itself where our output should be: every family has HELP
// and TYPE before its samples, families are contiguous, no series repeats,
// counters end in _total, histogram buckets are cumulative, ascending and end
// at +Inf with _count equal to it, no timestamps, no blank lines.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace khaacho::test {

struct prom_sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct prom_scrape {
  std::string error;  ///< the first violation (with its line), "" when valid
  std::map<std::string, std::string> types;  ///< family → counter|gauge|histogram|...
  std::vector<prom_sample> samples;

  /// Sum of the samples named `name` whose labels include all of `labels`.
  double sum(const std::string& name, const std::map<std::string, std::string>& labels = {}) const;
  /// True when some sample named `name` has all of `labels`.
  bool has(const std::string& name, const std::map<std::string, std::string>& labels = {}) const;
};

prom_scrape parse_prometheus_text(const std::string& text);

}  // namespace khaacho::test
