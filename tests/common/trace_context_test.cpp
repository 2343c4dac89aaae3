// W3C traceparent parsing (strict), formatting, fresh ids, and the trace
// fields a log line gets inside a trace::scope.
#include <catch2/catch.hpp>

#include <set>

#include "common/log.hpp"
#include "common/trace_context.hpp"

using namespace khaacho;

namespace {
const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
const std::string span_id = "00f067aa0ba902b7";
}  // namespace

TEST_CASE("a valid traceparent parses into its trace id, span id and sampled flag", "[model]") {
  auto c = trace::parse_traceparent("00-" + trace_id + "-" + span_id + "-01");
  REQUIRE(c);
  CHECK(c->trace_id == trace_id);
  CHECK(c->span_id == span_id);
  CHECK(c->sampled);
  auto unsampled = trace::parse_traceparent("00-" + trace_id + "-" + span_id + "-00");
  REQUIRE(unsampled);
  CHECK_FALSE(unsampled->sampled);
  CHECK(trace::format_traceparent(*c) == "00-" + trace_id + "-" + span_id + "-01");
}

TEST_CASE("invalid traceparent headers are refused", "[model]") {
  auto [header, why] = GENERATE(table<std::string, const char*>({
    {"", "empty"},
    {"00-" + trace_id + "-" + span_id, "no flags"},
    {"00-00000000000000000000000000000000-" + span_id + "-01", "all-zero trace id"},
    {"00-" + trace_id + "-0000000000000000-01", "all-zero parent id"},
    {"01-" + trace_id + "-" + span_id + "-01", "unknown version"},
    {"ff-" + trace_id + "-" + span_id + "-01", "forbidden version"},
    {"00-4BF92F3577B34DA6A3CE929D0E0E4736-" + span_id + "-01", "upper-case hex"},
    {"00-" + trace_id.substr(1) + "x-" + span_id + "-01", "not hex"},
    {"00-" + trace_id + "-" + span_id + "-01-extra", "trailing data on version 00"},
    {"00_" + trace_id + "_" + span_id + "_01", "wrong separators"},
    {"00-" + trace_id + "a-" + span_id.substr(1) + "-01", "misplaced separator"},
    {"00-" + trace_id + "-" + span_id + "-0g", "flags not hex"},
  }));
  CAPTURE(header, why);
  CHECK_FALSE(trace::parse_traceparent(header));
}

TEST_CASE("new ids are valid, random and never all zero", "[model]") {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto t = trace::new_trace_id();
    auto s = trace::new_span_id();
    CHECK(trace::valid_trace_id(t));
    CHECK(trace::valid_span_id(s));
    seen.insert(t);
  }
  CHECK(seen.size() == 100);
  CHECK_FALSE(trace::valid_trace_id("00000000000000000000000000000000"));
}

TEST_CASE("log lines inside a trace scope carry the Cloud Logging trace fields", "[model]") {
  trace::context c{trace_id, span_id, true};
  std::string outside = log::format_line(log::level::info, "before", {}, "T");
  CHECK(outside.find("logging.googleapis.com/trace") == std::string::npos);
  {
    trace::scope in_trace{c};
    REQUIRE(trace::current() == &c);
    auto line = log::format_line(log::level::info, "stage attempt succeeded",
                                 {{"order_id", "o-1"}}, "T");
    CHECK(line.find(R"("logging.googleapis.com/trace":")" + trace_id + "\"") != std::string::npos);
    CHECK(line.find(R"("logging.googleapis.com/spanId":")" + span_id + "\"") != std::string::npos);
    log::set_trace_project("shop-prod");
    line = log::format_line(log::level::info, "x", {}, "T");
    log::set_trace_project("");
    CHECK(line.find(R"("logging.googleapis.com/trace":"projects/shop-prod/traces/)" + trace_id + "\"")
          != std::string::npos);
  }
  CHECK(trace::current() == nullptr);
}
