// Liveness and readiness answers.
#include "http/health_routes.hpp"

#include <httplib.h>

#include "common/json_writer.hpp"

namespace khaacho::http {

void add_health_routes(httplib::Server& server, readiness_probe probe) {
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  server.Get("/readyz", [probe](const httplib::Request&, httplib::Response& res) {
    auto report = probe();
    json_object checks;
    checks.add("database", report.database).add("schema", report.schema).add("actors", report.actors);
    json_object body;
    body.add("status", report.ready() ? "ready" : "not_ready").add_raw("checks", checks.str());
    if (!report.ready()) {
      // API.md: every non-2xx answer carries the error shape.
      json_object error;
      error.add("code", "not_ready").add("message", report.detail);
      body.add_raw("error", error.str());
    }
    res.status = report.ready() ? 200 : 503;
    res.set_content(body.str(), "application/json");
  });
}

}  // namespace khaacho::http
