#include "support/prometheus_text.hpp"

#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

namespace khaacho::test {

namespace {

bool name_ok(const std::string& n, bool colon) {
  if (n.empty())
    return false;
  for (size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':')
              || (i > 0 && c >= '0' && c <= '9');
    if (!ok)
      return false;
  }
  return true;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool parse_value(const std::string& text, double& out) {
  if (text == "+Inf") {
    out = INFINITY;
    return true;
  }
  if (text == "-Inf") {
    out = -INFINITY;
    return true;
  }
  if (text == "NaN") {
    out = NAN;
    return true;
  }
  if (text.empty())
    return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

/// The family a sample belongs to, given the declared types.
std::string family_of(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"})
    if (ends_with(name, suffix)) {
      auto base = name.substr(0, name.size() - std::string{suffix}.size());
      auto it = types.find(base);
      if (it != types.end() && it->second == "histogram")
        return base;
    }
  return name;
}

}  // namespace

double prom_scrape::sum(const std::string& name,
                        const std::map<std::string, std::string>& labels) const {
  double total = 0;
  for (const auto& s : samples) {
    if (s.name != name)
      continue;
    bool match = true;
    for (const auto& [k, v] : labels) {
      auto it = s.labels.find(k);
      match = match && it != s.labels.end() && it->second == v;
    }
    if (match)
      total += s.value;
  }
  return total;
}

bool prom_scrape::has(const std::string& name,
                      const std::map<std::string, std::string>& labels) const {
  for (const auto& s : samples) {
    if (s.name != name)
      continue;
    bool match = true;
    for (const auto& [k, v] : labels) {
      auto it = s.labels.find(k);
      match = match && it != s.labels.end() && it->second == v;
    }
    if (match)
      return true;
  }
  return false;
}

prom_scrape parse_prometheus_text(const std::string& text) {
  prom_scrape out;
  std::set<std::string> helped, done_families, series;
  std::string current;
  // histogram series (name + labels without le) → (last le, last cumulative)
  std::map<std::string, std::pair<double, double>> buckets;
  std::map<std::string, double> inf_bucket, counts;
  std::set<std::string> sums;
  size_t line_no = 0;
  auto fail = [&](const std::string& why, const std::string& line) {
    if (out.error.empty())
      out.error = "line " + std::to_string(line_no) + ": " + why + ": " + line;
  };
  if (!text.empty() && text.back() != '\n')
    fail("no newline at the end", "");
  std::istringstream in{text};
  std::string line;
  while (std::getline(in, line) && out.error.empty()) {
    ++line_no;
    if (line.empty()) {
      fail("blank line", line);
      break;
    }
    if (line[0] == '#') {
      std::istringstream words{line};
      std::string hash, kind, name;
      words >> hash >> kind >> name;
      if (hash != "#" || (kind != "HELP" && kind != "TYPE") || !name_ok(name, true)) {
        fail("comment is neither HELP nor TYPE", line);
        break;
      }
      if (name != current) {
        if (done_families.count(name)) {
          fail("family appears twice", line);
          break;
        }
        if (!current.empty())
          done_families.insert(current);
        current = name;
      }
      if (kind == "HELP") {
        if (!helped.insert(name).second)
          fail("second HELP", line);
        auto help = line.substr(std::string{"# HELP "}.size() + name.size());
        if (help.empty() || help[0] != ' ' || help.size() < 2)
          fail("empty HELP", line);
        for (size_t i = 0; i < help.size(); ++i)
          if (help[i] == '\\' && (i + 1 == help.size() || (help[i + 1] != '\\' && help[i + 1] != 'n')))
            fail("bad escape in HELP", line);
          else if (help[i] == '\\')
            ++i;
      } else {
        std::string type, extra;
        words >> type >> extra;
        if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary"
            && type != "untyped")
          fail("unknown TYPE", line);
        if (!extra.empty())
          fail("text after TYPE", line);
        if (out.types.count(name))
          fail("second TYPE", line);
        if (type == "counter" && !ends_with(name, "_total"))
          fail("counter without _total", line);
        out.types[name] = type;
      }
      continue;
    }
    // A sample: name [{labels}] value
    prom_sample s;
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ')
      ++i;
    s.name = line.substr(0, i);
    if (!name_ok(s.name, true)) {
      fail("bad metric name", line);
      break;
    }
    std::string key_labels;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        size_t eq = line.find('=', i);
        if (eq == std::string::npos) {
          fail("label without =", line);
          break;
        }
        auto lname = line.substr(i, eq - i);
        if (!name_ok(lname, false) || lname.rfind("__", 0) == 0)
          fail("bad label name", line);
        if (eq + 1 >= line.size() || line[eq + 1] != '"') {
          fail("label value not quoted", line);
          break;
        }
        std::string value;
        size_t j = eq + 2;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\') {
            if (j + 1 >= line.size()) {
              fail("dangling escape", line);
              break;
            }
            char e = line[++j];
            if (e == '\\')
              value += '\\';
            else if (e == '"')
              value += '"';
            else if (e == 'n')
              value += '\n';
            else
              fail("bad escape in label value", line);
          } else {
            value += line[j];
          }
        }
        if (j >= line.size()) {
          fail("unterminated label value", line);
          break;
        }
        if (!s.labels.emplace(lname, value).second)
          fail("label repeated", line);
        i = j + 1;
        if (i < line.size() && line[i] == ',')
          ++i;
        else if (i < line.size() && line[i] != '}')
          fail("junk between labels", line);
      }
      if (i >= line.size() || line[i] != '}') {
        fail("labels not closed", line);
        break;
      }
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') {
      fail("no value", line);
      break;
    }
    auto value_text = line.substr(i + 1);
    if (value_text.find(' ') != std::string::npos)
      fail("timestamps or extra fields are not expected", line);
    if (!parse_value(value_text, s.value))
      fail("value is not a number", line);
    auto family = family_of(s.name, out.types);
    auto type = out.types.find(family);
    if (type == out.types.end() || family != current) {
      fail("sample outside its family's block (no TYPE before it)", line);
      break;
    }
    if (type->second == "counter" && (s.value < 0 || std::isnan(s.value)))
      fail("negative counter", line);
    for (const auto& [k, v] : s.labels)
      key_labels += k + "=" + v + ",";
    if (!series.insert(s.name + "{" + key_labels + "}").second)
      fail("series repeated", line);
    if (type->second == "histogram") {
      auto no_le = s.labels;
      no_le.erase("le");
      std::string key;
      for (const auto& [k, v] : no_le)
        key += k + "=" + v + ",";
      if (ends_with(s.name, "_bucket")) {
        auto le = s.labels.find("le");
        double bound = 0;
        if (le == s.labels.end() || !parse_value(le->second, bound)) {
          fail("bucket without a numeric le", line);
        } else {
          auto it = buckets.find(key);
          if (it != buckets.end() && (bound <= it->second.first || s.value < it->second.second))
            fail("buckets not ascending or not cumulative", line);
          buckets[key] = {bound, s.value};
          if (std::isinf(bound))
            inf_bucket[key] = s.value;
        }
      } else if (ends_with(s.name, "_count")) {
        counts[key] = s.value;
      } else if (ends_with(s.name, "_sum")) {
        sums.insert(key);
      } else {
        fail("histogram sample is not _bucket, _sum or _count", line);
      }
    } else if (s.name != family) {
      fail("sample name differs from its family", line);
    }
    out.samples.push_back(std::move(s));
  }
  for (const auto& [key, last] : buckets) {
    if (!std::isinf(last.first))
      fail("histogram " + key + " has no +Inf bucket", "");
    if (!counts.count(key) || counts[key] != inf_bucket[key])
      fail("histogram " + key + " _count differs from its +Inf bucket", "");
    if (!sums.count(key))
      fail("histogram " + key + " has no _sum", "");
  }
  for (const auto& [name, type] : out.types)
    if (!helped.count(name))
      fail("family " + name + " has no HELP", "");
  return out;
}

}  // namespace khaacho::test
