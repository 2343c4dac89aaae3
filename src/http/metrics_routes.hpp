// GET /metrics: the Prometheus text format 0.0.4 — the process's registered
// metrics plus gauges read from the runtime at scrape time.
//
// Access: Prometheus scrapers rarely carry the JWTs of the API, so /metrics
// is open unless `metrics.token` is set; then it needs
// `Authorization: Bearer <that token>` (Prometheus: `authorization:
// credentials`), and anything else gets 401.
#pragma once

#include <functional>
#include <string>

#include "common/metrics.hpp"

namespace httplib {
class Server;
}

namespace khaacho::http {

struct metrics_routes_deps {
  /// The bearer token a scraper must send; "" leaves /metrics open.
  std::string token;
  /// Appends families read at scrape time (gates, pool, database); may be
  /// empty. Called on an HTTP handler thread; must bound its own waits.
  std::function<void(metrics::text_writer&)> scrape_time;
};

void add_metrics_routes(httplib::Server& server, metrics_routes_deps deps);

}  // namespace khaacho::http
