// The metrics library: text format 0.0.4 rendering (HELP/TYPE, labels and
// their escaping, histogram buckets), name checks, and exact counts under
// concurrent updates.
#include <catch2/catch.hpp>

#include <cmath>
#include <thread>
#include <vector>

#include "common/metrics.hpp"
#include "common/service_metrics.hpp"

using namespace khaacho::metrics;

TEST_CASE("a counter family renders HELP, TYPE and one line per label set", "[model]") {
  registry r;
  auto& f = r.add_counter("demo_requests_total", "Requests served.", {"route", "status"});
  f.with({"/a", "200"}).inc(3);
  f.with({"/b", "404"}).inc();
  f.with({"/a", "200"}).inc();  // same child again
  CHECK(r.render() ==
        "# HELP demo_requests_total Requests served.\n"
        "# TYPE demo_requests_total counter\n"
        "demo_requests_total{route=\"/a\",status=\"200\"} 4\n"
        "demo_requests_total{route=\"/b\",status=\"404\"} 1\n");
}

TEST_CASE("label values and help texts are escaped for the text format", "[model]") {
  CHECK(escape_label_value(R"(a\b"c)" "\n" "d") == R"(a\\b\"c\nd)");
  CHECK(escape_help("line one\nback\\slash \"quoted\"") == R"(line one\nback\\slash "quoted")");
  registry r;
  auto& g = r.add_gauge("demo_value", "Help with a \\ and\na newline.", {"name"});
  g.with({"say \"hi\"\\\n"}).set(2.5);
  CHECK(r.render() ==
        "# HELP demo_value Help with a \\\\ and\\na newline.\n"
        "# TYPE demo_value gauge\n"
        "demo_value{name=\"say \\\"hi\\\"\\\\\\n\"} 2.5\n");
}

TEST_CASE("a histogram renders cumulative buckets, +Inf, _sum and _count", "[model]") {
  registry r;
  auto& h = r.add_histogram("demo_seconds", "Durations.", {"stage"}, {0.125, 1, 5});
  auto& ocr = h.with({"ocr"});
  for (double v : {0.0625, 0.125, 0.75, 3.0, 9.0})  // exact in binary
    ocr.observe(v);
  CHECK(r.render() ==
        "# HELP demo_seconds Durations.\n"
        "# TYPE demo_seconds histogram\n"
        "demo_seconds_bucket{stage=\"ocr\",le=\"0.125\"} 2\n"  // 0.125 itself is <= 0.125
        "demo_seconds_bucket{stage=\"ocr\",le=\"1\"} 3\n"
        "demo_seconds_bucket{stage=\"ocr\",le=\"5\"} 4\n"
        "demo_seconds_bucket{stage=\"ocr\",le=\"+Inf\"} 5\n"
        "demo_seconds_sum{stage=\"ocr\"} 12.9375\n"
        "demo_seconds_count{stage=\"ocr\"} 5\n");
}

TEST_CASE("an unlabelled metric renders without braces; values use Prometheus spellings",
          "[model]") {
  registry r;
  r.add_gauge("demo_plain", "Plain.").with({}).set(-1);
  CHECK(r.render() == "# HELP demo_plain Plain.\n# TYPE demo_plain gauge\ndemo_plain -1\n");
  CHECK(format_value(INFINITY) == "+Inf");
  CHECK(format_value(-INFINITY) == "-Inf");
  CHECK(format_value(NAN) == "NaN");
  CHECK(format_value(0.001) == "0.001");
  CHECK(format_value(1e21) == "1e+21");
}

TEST_CASE("invalid names, reserved labels, duplicates and bad buckets are refused", "[model]") {
  registry r;
  CHECK_THROWS(r.add_counter("9starts_with_digit", "x"));
  CHECK_THROWS(r.add_counter("has-dash", "x"));
  CHECK_THROWS(r.add_counter("ok_total", "x", {"__reserved"}));
  CHECK_THROWS(r.add_histogram("h_seconds", "x", {"le"}, {1}));
  CHECK_THROWS(r.add_histogram("h2_seconds", "x", {}, {2, 1}));
  CHECK_THROWS(r.add_histogram("h3_seconds", "x", {}, {}));
  r.add_counter("twice_total", "x");
  CHECK_THROWS(r.add_gauge("twice_total", "x"));
  CHECK(valid_metric_name("khaacho:recorded_rule"));
  CHECK_FALSE(valid_label_name("with:colon"));
}

TEST_CASE("a wrong number of label values lands in the _overflow child, never a crash",
          "[model]") {
  registry r;
  auto& f = r.add_counter("demo_total", "x", {"a", "b"});
  f.with({"only-one"}).inc();
  CHECK(r.render().find("demo_total{a=\"_overflow\",b=\"_overflow\"} 1\n") != std::string::npos);
}

TEST_CASE("counters and histograms count exactly under concurrent updates", "[model]") {
  registry r;
  auto& c = r.add_counter("demo_total", "x", {"worker"});
  auto& h = r.add_histogram("demo_seconds", "x", {}, {0.5});
  auto& g = r.add_gauge("demo_gauge", "x");
  constexpr int threads = 4, per_thread = 20000;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        // Lookups race with first-time creation of the same children.
        c.with({i % 2 == 0 ? "even" : "odd"}).inc();
        h.with({}).observe(t % 2 == 0 ? 0.25 : 1.0);
        g.with({}).add(1);
      }
    });
  for (auto& t : pool)
    t.join();
  CHECK(c.with({"even"}).value() + c.with({"odd"}).value() == threads * per_thread);
  auto counts = h.with({}).bucket_counts();
  CHECK(counts[0] == 2 * per_thread);
  CHECK(counts[1] == 2 * per_thread);
  CHECK(h.with({}).sum() == Approx(2 * per_thread * 0.25 + 2 * per_thread * 1.0));
  CHECK(g.with({}).value() == threads * per_thread);
}

TEST_CASE("the service's metrics are pre-registered under their documented names", "[model]") {
  auto text = service_metrics::instance().registry().render();
  for (const char* name :
       {"# TYPE khaacho_image_uploads_total counter", "# TYPE khaacho_processing_duration_seconds histogram",
        "# TYPE khaacho_ocr_results_total counter", "# TYPE khaacho_item_extractions_total counter",
        "# TYPE khaacho_normalized_items_total counter", "# TYPE khaacho_rfq_broadcasts_total counter",
        "# TYPE khaacho_supervisors_in_flight gauge", "# TYPE khaacho_stage_attempts_total counter",
        "# TYPE khaacho_stage_retries_total counter", "# TYPE khaacho_stage_duration_seconds histogram",
        "# TYPE khaacho_db_pool_wait_seconds histogram", "# TYPE khaacho_http_requests_total counter"}) {
    CAPTURE(name);
    CHECK(text.find(name) != std::string::npos);
  }
  // Every stage × outcome exists from the start, so rate() sees zeros, not gaps.
  CHECK(text.find("khaacho_stage_attempts_total{stage=\"notify\",outcome=\"crashed\"}")
        != std::string::npos);
  CHECK(service_metrics::instance().stage("ocr") != nullptr);
  CHECK(service_metrics::instance().stage("unknown") == nullptr);
}

#include "support/prometheus_text.hpp"

TEST_CASE("the strict test-side parser accepts the registry's output and refuses broken text",
          "[model]") {
  registry r;
  r.add_counter("demo_total", "Counts.", {"k"}).with({"a\"b\\c\nd"}).inc(7);
  r.add_histogram("demo_seconds", "Durations.", {"stage"}, {0.5, 1}).with({"ocr"}).observe(0.7);
  r.add_gauge("demo_gauge", "Level.").with({}).set(3);
  auto ok = khaacho::test::parse_prometheus_text(r.render());
  CAPTURE(ok.error);
  REQUIRE(ok.error.empty());
  CHECK(ok.sum("demo_total", {{"k", "a\"b\\c\nd"}}) == 7);
  CHECK(ok.sum("demo_seconds_bucket", {{"le", "1"}}) == 1);
  CHECK(ok.sum("demo_seconds_bucket", {{"le", "0.5"}}) == 0);

  for (const char* bad : {
         "demo_total 1\n",                                                   // no TYPE
         "# HELP c_total x\n# TYPE c_total counter\nc_total 1\nc_total 2\n",  // repeated series
         "# HELP c x\n# TYPE c counter\nc 1\n",                               // no _total
         "# HELP g x\n# TYPE g gauge\ng{a=\"x} 1\n",                          // unterminated
         "# HELP g x\n# TYPE g gauge\ng{a=\"\\t\"} 1\n",                      // bad escape
         "# HELP g x\n# TYPE g gauge\ng 1 1700000000\n",                      // timestamp
         "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
         "h_sum 1\nh_count 1\n",                                             // not cumulative
         "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n",
         "# HELP g x\n# TYPE g gauge\ng 1",                                   // no final newline
       }) {
    CAPTURE(bad);
    CHECK_FALSE(khaacho::test::parse_prometheus_text(bad).error.empty());
  }
}
