// The JSON-lines logger over spdlog: spdlog does the locking, level filtering
// and flushing; the line is composed here so every field is escaped once.
#include "common/log.hpp"

#include <chrono>
#include <ctime>
#include <memory>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "common/json_writer.hpp"
#include "common/trace_context.hpp"

namespace khaacho::log {

namespace {

std::shared_ptr<spdlog::logger>& logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto l = std::make_shared<spdlog::logger>("khaacho",
                                              std::make_shared<spdlog::sinks::stdout_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::info);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return instance;
}

spdlog::level::level_enum to_spdlog(level l) {
  switch (l) {
    case level::trace: return spdlog::level::trace;
    case level::debug: return spdlog::level::debug;
    case level::info: return spdlog::level::info;
    case level::warn: return spdlog::level::warn;
    case level::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

const char* severity(level l) {
  // Cloud Logging's LogSeverity names.
  switch (l) {
    case level::trace:
    case level::debug: return "DEBUG";
    case level::info: return "INFO";
    case level::warn: return "WARNING";
    case level::error: return "ERROR";
  }
  return "DEFAULT";
}

std::string now_rfc3339() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  auto n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ", static_cast<int>(ms));
  return buf;
}

/// Set once at start-up, before other threads log.
std::string& trace_project() {
  static std::string project;
  return project;
}

}  // namespace

void set_trace_project(const std::string& project) {
  trace_project() = project;
}

std::string trace_field_value(std::string_view trace_id) {
  if (trace_project().empty())
    return std::string{trace_id};
  return "projects/" + trace_project() + "/traces/" + std::string{trace_id};
}

void init(const std::string& min_level) {
  auto lvl = spdlog::level::from_str(min_level == "warn" ? "warning" : min_level);
  logger()->set_level(lvl);
}

std::string format_line(level lvl, std::string_view message, std::initializer_list<field> fields,
                        std::string_view time_rfc3339) {
  json_object line;
  line.add("severity", severity(lvl)).add("message", message).add("time", time_rfc3339);
  for (const auto& [k, v] : fields)
    line.add(k, v);
  if (const auto* t = trace::current()) {
    line.add("logging.googleapis.com/trace", trace_field_value(t->trace_id));
    if (!t->span_id.empty())
      line.add("logging.googleapis.com/spanId", t->span_id);
  }
  return line.str();
}

void write(level lvl, std::string_view message, std::initializer_list<field> fields) {
  auto& l = logger();
  auto sl = to_spdlog(lvl);
  if (!l->should_log(sl))
    return;
  l->log(sl, "{}", format_line(lvl, message, fields, now_rfc3339()));
}

}  // namespace khaacho::log
