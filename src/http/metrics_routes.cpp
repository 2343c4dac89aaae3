// The /metrics handler: optional bearer token, registry + scrape-time gauges.
#include "http/metrics_routes.hpp"

#include <httplib.h>
#include <openssl/crypto.h>

#include "common/service_metrics.hpp"
#include "http/error_response.hpp"

namespace khaacho::http {

namespace {

bool token_matches(const std::string& header, const std::string& token) {
  const std::string expected = "Bearer " + token;
  // Constant time: the comparison must not tell a prober how much was right.
  return header.size() == expected.size()
         && CRYPTO_memcmp(header.data(), expected.data(), expected.size()) == 0;
}

}  // namespace

void add_metrics_routes(httplib::Server& server, metrics_routes_deps deps) {
  server.Get("/metrics", [deps](const httplib::Request& req, httplib::Response& res) {
    if (!deps.token.empty() && !token_matches(req.get_header_value("Authorization"), deps.token)) {
      res.set_header("WWW-Authenticate", "Bearer");
      return send_error(res, 401, "unauthorized", "/metrics needs the metrics bearer token");
    }
    metrics::text_writer out;
    metrics::service_metrics::instance().registry().render(out);
    if (deps.scrape_time)
      deps.scrape_time(out);
    res.set_content(out.release(), "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace khaacho::http
