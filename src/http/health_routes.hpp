// GET /healthz (alive) and GET /readyz (database, schema, actor system).
#pragma once

#include <functional>
#include <string>

namespace httplib {
class Server;
}

namespace khaacho::http {

/// What /readyz reports; filled by the probe the application supplies.
struct readiness_report {
  bool database = false;  ///< a statement round-tripped through the pool
  bool schema = false;    ///< schema_migrations matches the binary's migrations
  bool actors = false;    ///< the actor system answered
  std::string detail;     ///< why not ready; never contains secrets
  bool ready() const { return database && schema && actors; }
};

/// Called on an HTTP thread; must return within a few seconds.
using readiness_probe = std::function<readiness_report()>;

void add_health_routes(httplib::Server& server, readiness_probe probe);

}  // namespace khaacho::http
