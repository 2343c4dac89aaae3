// Metrics and traces of the real binary: /metrics passes promtool and the
// strict parser, its counters move by exactly what a scripted run did, the
// bearer token guards it when configured, config/alerts.yml passes promtool,
// and an upload's traceparent follows the order through every stage's log
// line and into the LLM call.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "api/api_test_support.hpp"
#include "common/trace_context.hpp"
#include "support/child_process.hpp"
#include "support/fake_openai_server.hpp"
#include "support/prometheus_text.hpp"
#include "support/sourcing_catalog.hpp"
#include "support/temp_dir.hpp"

using namespace khaacho;
using namespace khaacho::test;
using namespace std::chrono_literals;
namespace src = khaacho::test::sourcing;

namespace {

const char* const stages[] = {"ocr", "extract", "normalize", "rank", "rfq", "notify"};

bool have_promtool() {
  return run_program({"/bin/sh", "-c", "command -v promtool"}).code == 0;
}

/// `promtool check metrics` on `text`; returns (exit code, output).
run_result promtool_check_metrics(const std::string& text) {
  temp_dir dir;
  auto path = dir.path() / "scrape.txt";
  std::ofstream{path} << text;
  return run_program({"/bin/sh", "-c", "promtool check metrics < '" + path.string() + "'"});
}

prom_scrape scrape(khaacho_server& srv, std::string* raw = nullptr) {
  auto cli = srv.client();
  auto res = cli.Get("/metrics");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type").rfind("text/plain; version=0.0.4", 0) == 0);
  auto parsed = parse_prometheus_text(res->body);
  CAPTURE(parsed.error);
  REQUIRE(parsed.error.empty());
  if (raw)
    *raw = res->body;
  return parsed;
}

void wait_catalog(khaacho_server& srv, const std::string& token) {
  auto cli = srv.client();
  for (int i = 0; i < 100; ++i) {
    auto res = cli.Get("/api/products?q=chini", bearer(token));
    if (res && res->status == 200 && json_array_size(res->body, "/items") > 0)
      return;
    std::this_thread::sleep_for(50ms);
  }
  FAIL("the catalog was not loaded");
}

/// Polls the order until it leaves PROCESSING; counts the GETs it made.
std::string wait_final(httplib::Client& cli, const std::string& token, const std::string& id,
                       int& gets) {
  auto until = std::chrono::steady_clock::now() + 120s;
  std::string body;
  for (;;) {
    auto res = cli.Get(("/api/orders/uploads/" + id).c_str(), bearer(token));
    ++gets;
    if (res && res->status == 200) {
      body = res->body;
      if (json_field(body, "/status") != "PROCESSING")
        return body;
    }
    if (std::chrono::steady_clock::now() > until)
      return body;
    std::this_thread::sleep_for(200ms);
  }
}

/// Counts `status` notifications over every RFQ of a status document.
int notifications_with(const std::string& doc, const std::string& status) {
  int n = 0;
  for (int64_t r = 0; r < json_array_size(doc, "/rfqs"); ++r) {
    auto base = "/rfqs/" + std::to_string(r) + "/notifications";
    for (int64_t k = 0; k < json_array_size(doc, base.c_str()); ++k)
      n += json_field(doc, (base + "/" + std::to_string(k) + "/status").c_str()) == status;
  }
  return n;
}

/// The server's stdout lines that mention `needle`.
std::vector<std::string> log_lines_with(khaacho_server& srv, const std::string& needle) {
  std::vector<std::string> out;
  std::istringstream in{srv.process().out()};
  std::string line;
  while (std::getline(in, line))
    if (line.find(needle) != std::string::npos)
      out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("metrics counters move by exactly what a scripted pipeline run did",
          "[e2e][postgres][ocr][pipeline][metrics]") {
  khaacho_server srv{{"--pipeline.enabled=true", "--normalize.catalog-poll=100ms"}};
  src::seed(srv.db());
  auto token = token_for("retailer", retailer_a);
  wait_catalog(srv, token);
  auto before = scrape(srv);

  // Two new orders (one with an Idempotency-Key), a replay of the key, and
  // the second image again inside the duplicate window.
  auto page_a = render_text_page({"1. chini 10 kg", "2. waiwai veg 3 packet"});
  auto page_b = render_text_page({"Ram Kirana Pasal", "1. chini 5 kg", "Thank you"});
  auto cli = srv.client();
  httplib::Headers key{{"Idempotency-Key", "metrics-run-1"}};
  auto a = upload(cli, token, page_a, "", key, "", "a.png", "image/png");
  auto b = upload(cli, token, page_b, "", {}, "", "b.png", "image/png");
  auto replay = upload(cli, token, page_a, "", key, "", "a.png", "image/png");
  auto dup = upload(cli, token, page_b, "", {}, "", "b.png", "image/png");
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(replay);
  REQUIRE(dup);
  REQUIRE(a->status == 202);
  REQUIRE(b->status == 202);
  REQUIRE(replay->status == 200);
  REQUIRE(dup->status == 200);
  REQUIRE(!json_field(dup->body, "/duplicateOf").empty());

  int gets = 0;
  std::vector<std::string> docs;
  for (const auto* res : {&a, &b})
    docs.push_back(wait_final(cli, token, json_field((*res)->body, "/id"), gets));
  int items = 0, rfqs = 0, sent = 0;
  for (const auto& doc : docs) {
    CAPTURE(doc);
    REQUIRE(json_field(doc, "/status") == "COMPLETED");
    items += static_cast<int>(json_array_size(doc, "/items"));
    rfqs += static_cast<int>(json_array_size(doc, "/rfqs"));
    sent += notifications_with(doc, "SENT");
  }
  REQUIRE(items == 3);
  REQUIRE(rfqs >= 2);
  REQUIRE(sent >= 2);

  // The supervisor counts an order right after its final write commits,
  // which a status GET may see a moment earlier.
  prom_scrape after;
  std::string raw;
  for (int i = 0; i < 50; ++i) {
    after = scrape(srv, &raw);
    if (after.sum("khaacho_orders_finished_total") - before.sum("khaacho_orders_finished_total") >= 2
        && after.sum("khaacho_supervisors_in_flight") == 0)
      break;
    std::this_thread::sleep_for(100ms);
  }
  CAPTURE(raw);
  auto delta = [&](const std::string& name, const std::map<std::string, std::string>& labels = {}) {
    return after.sum(name, labels) - before.sum(name, labels);
  };

  CHECK(delta("khaacho_image_uploads_total", {{"outcome", "created"}}) == 2);
  CHECK(delta("khaacho_image_uploads_total", {{"outcome", "replayed"}}) == 1);
  CHECK(delta("khaacho_image_uploads_total", {{"outcome", "duplicate"}}) == 1);
  CHECK(delta("khaacho_orders_finished_total", {{"status", "COMPLETED"}}) == 2);
  CHECK(delta("khaacho_orders_finished_total") == 2);
  CHECK(delta("khaacho_processing_duration_seconds_count", {{"status", "COMPLETED"}}) == 2);
  CHECK(delta("khaacho_processing_duration_seconds_sum", {{"status", "COMPLETED"}}) > 0);
  CHECK(delta("khaacho_ocr_results_total", {{"result", "success"}}) == 2);
  CHECK(delta("khaacho_ocr_results_total", {{"result", "failure"}}) == 0);
  CHECK(delta("khaacho_item_extractions_total", {{"result", "success"}}) == 2);
  CHECK(delta("khaacho_item_extractions_total", {{"result", "failure"}}) == 0);
  CHECK(delta("khaacho_normalized_items_total", {{"result", "matched"}}) == items);
  CHECK(delta("khaacho_normalized_items_total", {{"result", "flagged"}}) == 0);
  CHECK(delta("khaacho_normalized_items_total", {{"result", "unmatched"}}) == 0);
  CHECK(delta("khaacho_rfq_broadcasts_total") == rfqs);
  CHECK(delta("khaacho_notifications_total", {{"result", "sent"}}) == sent);
  CHECK(delta("khaacho_notifications_total", {{"result", "failed"}}) == 0);
  for (const char* stage : stages) {
    CAPTURE(stage);
    CHECK(delta("khaacho_stage_attempts_total", {{"stage", stage}, {"outcome", "succeeded"}}) == 2);
    CHECK(delta("khaacho_stage_attempts_total", {{"stage", stage}}) == 2);
    CHECK(delta("khaacho_stage_retries_total", {{"stage", stage}}) == 0);
    CHECK(delta("khaacho_stage_duration_seconds_count", {{"stage", stage}}) == 2);
    CHECK(after.has("khaacho_stage_queue_length", {{"stage", stage}}));
    CHECK(after.sum("khaacho_stage_queue_length", {{"stage", stage}}) == 0);
  }
  CHECK(after.sum("khaacho_supervisors_in_flight") == 0);
  CHECK(after.sum("khaacho_orders_processing") == 0);
  CHECK(delta("khaacho_db_pool_wait_seconds_count") > 0);
  CHECK(delta("khaacho_http_requests_total",
              {{"method", "POST"}, {"route", "/api/orders/upload-image"}, {"status", "202"}}) == 2);
  CHECK(delta("khaacho_http_requests_total",
              {{"method", "POST"}, {"route", "/api/orders/upload-image"}, {"status", "200"}}) == 2);
  // Ids never become label values: every status GET is one route.
  CHECK(delta("khaacho_http_requests_total",
              {{"method", "GET"}, {"route", "/api/orders/uploads/{}"}, {"status", "200"}}) == gets);
  CHECK(raw.find(json_field(a->body, "/id")) == std::string::npos);
  // The scrape before counts as one GET /metrics by the time of the last one.
  CHECK(delta("khaacho_http_requests_total", {{"route", "/metrics"}}) >= 1);

  if (!have_promtool()) {
    WARN("promtool not found (Debian package prometheus; scripts/lib/common.sh installs it):"
         " skipping promtool check metrics");
    return;
  }
  auto checked = promtool_check_metrics(raw);
  CAPTURE(checked.out, checked.err);
  CHECK(checked.code == 0);
}

TEST_CASE("/metrics needs the bearer token when metrics.token is set", "[e2e][postgres][metrics]") {
  const std::string secret = "scrape-me-0123456789";
  khaacho_server srv{{}, {{"METRICS_TOKEN", secret}}};
  auto cli = srv.client();
  auto none = cli.Get("/metrics");
  REQUIRE(none);
  CHECK(none->status == 401);
  CHECK(json_field(none->body, "/error/code") == "unauthorized");
  auto wrong = cli.Get("/metrics", bearer(secret + "x"));
  REQUIRE(wrong);
  CHECK(wrong->status == 401);
  auto jwt = cli.Get("/metrics", bearer(token_for("admin")));
  REQUIRE(jwt);
  CHECK(jwt->status == 401);
  auto right = cli.Get("/metrics", bearer(secret));
  REQUIRE(right);
  CHECK(right->status == 200);
  CHECK(right->body.find("# TYPE khaacho_image_uploads_total counter") != std::string::npos);
  // The token is never logged.
  CHECK(srv.process().out().find(secret) == std::string::npos);
}

TEST_CASE("config/alerts.yml passes promtool check rules", "[tools][metrics]") {
  if (!have_promtool()) {
    WARN("promtool not found (Debian package prometheus; scripts/lib/common.sh installs it):"
         " skipping promtool check rules");
    return;
  }
  auto r = run_program({"/bin/sh", "-c", "promtool check rules '" KHAACHO_SOURCE_DIR "/config/alerts.yml'"});
  CAPTURE(r.out, r.err);
  CHECK(r.code == 0);
  // Both alerts the design asks for are there (2 rules found).
  CHECK(r.out.find("SUCCESS: 2 rules found") != std::string::npos);
}

TEST_CASE("an upload's traceparent follows the order through every stage and into the LLM call",
          "[e2e][postgres][ocr][pipeline][trace]") {
  fake_openai_server llm;
  llm.script(openai_reply::content(
    R"({"items":[{"name":"chini","quantity":10,"unit":"kg","line":"chini 10 kg"}]})"));
  khaacho_server srv{{"--pipeline.enabled=true", "--normalize.catalog-poll=100ms",
                      "--extract.backend=openai"},
                     {{"OPENAI_BASE_URL", llm.base_url() + "/"}, {"OPENAI_API_KEY", "sk-test-trace"}}};
  src::seed(srv.db());
  auto token = token_for("retailer", retailer_a);
  wait_catalog(srv, token);

  const std::string trace_id = "0af7651916cd43dd8448eb211c80319c";
  const std::string parent = "b7ad6b7169203331";
  auto cli = srv.client();
  auto res = upload(cli, token, render_text_page({"1. chini 10 kg"}), "",
                    {{"traceparent", "00-" + trace_id + "-" + parent + "-01"}}, "", "t.png",
                    "image/png");
  REQUIRE(res);
  REQUIRE(res->status == 202);
  // The answer names the same trace, with this server's own span.
  auto answered = trace::parse_traceparent(res->get_header_value("traceparent"));
  REQUIRE(answered);
  CHECK(answered->trace_id == trace_id);
  CHECK(answered->span_id != parent);
  CHECK(answered->sampled);
  auto id = json_field(res->body, "/id");
  auto stored = srv.db().exec("SELECT trace_id FROM uploaded_orders WHERE id = $1::uuid", db::pg_params(id));
  REQUIRE(stored);
  CHECK(stored->row(0).get<std::string>("trace_id") == trace_id);

  int gets = 0;
  auto doc = wait_final(cli, token, id, gets);
  CAPTURE(doc);
  REQUIRE(json_field(doc, "/status") == "COMPLETED");

  // The LLM call carried the order's trace with a span of its own.
  auto calls = llm.requests();
  REQUIRE(calls.size() == 1);
  auto sent = trace::parse_traceparent(calls[0].traceparent);
  CAPTURE(calls[0].traceparent);
  REQUIRE(sent);
  CHECK(sent->trace_id == trace_id);
  CHECK(sent->span_id != parent);

  // Every log line about the order carries the trace; each stage logged.
  std::vector<std::string> lines;
  for (int i = 0; i < 50; ++i) {
    lines = log_lines_with(srv, "\"order_id\":\"" + id + "\"");
    if (!log_lines_with(srv, "\"message\":\"order finished\",").empty())
      break;
    std::this_thread::sleep_for(100ms);
  }
  REQUIRE(lines.size() >= 9);  // accepted, claimed, 6 stages, finished
  const std::string field = "\"logging.googleapis.com/trace\":\"" + trace_id + "\"";
  for (const auto& line : lines) {
    CAPTURE(line);
    CHECK(line.find(field) != std::string::npos);
    CHECK(line.find("\"logging.googleapis.com/spanId\":\"") != std::string::npos);
  }
  for (const char* stage : stages) {
    CAPTURE(stage);
    bool logged = false;
    for (const auto& line : lines)
      logged = logged || (line.find("\"stage attempt succeeded\"") != std::string::npos
                          && line.find("\"stage\":\"" + std::string{stage} + "\"") != std::string::npos);
    CHECK(logged);
  }
}

TEST_CASE("an invalid traceparent starts a new trace, stored with the order",
          "[e2e][postgres][trace]") {
  khaacho_server srv;
  auto token = token_for("retailer", retailer_a);
  auto cli = srv.client();
  auto res = upload(cli, token, make_png(77), "",
                    {{"traceparent", "00-00000000000000000000000000000000-b7ad6b7169203331-01"}});
  REQUIRE(res);
  REQUIRE(res->status == 202);
  auto answered = trace::parse_traceparent(res->get_header_value("traceparent"));
  REQUIRE(answered);
  CHECK(trace::valid_trace_id(answered->trace_id));
  auto id = json_field(res->body, "/id");
  auto stored = srv.db().exec("SELECT trace_id FROM uploaded_orders WHERE id = $1::uuid", db::pg_params(id));
  REQUIRE(stored);
  CHECK(stored->row(0).get<std::string>("trace_id") == answered->trace_id);
  // The upload's own log line carries it too.
  auto accepted = log_lines_with(srv, "\"order accepted\"");
  REQUIRE(accepted.size() == 1);
  CHECK(accepted[0].find(answered->trace_id) != std::string::npos);
}
