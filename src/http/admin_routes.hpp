// The admin API (API.md "Operations"): live actor state, one order's
// pipeline history, operator actions with their audit log, the numbers of
// the operator page, and the page itself. Reads need role operator or admin,
// writes role admin. Routing, validation and JSON only; the work is done by
// the services.
#pragma once

#include <string>

#include "adapters/auth/token_verifier.hpp"
#include "services/admin_queries.hpp"
#include "services/actor_listing.hpp"
#include "services/audit_log.hpp"
#include "services/cluster_view.hpp"
#include "services/pipeline_control.hpp"

namespace httplib {
class Server;
struct Response;
}

namespace khaacho::http {

struct admin_routes_deps {
  const auth::token_verifier* verifier = nullptr;
  const services::pipeline_control* control = nullptr;
  const services::admin_queries* queries = nullptr;
  const services::audit_log* audit = nullptr;
  std::string node;  ///< this node's id, shown in answers
  /// Cluster mode's heartbeats (null, or not enabled, on a single node).
  const services::cluster_view* cluster = nullptr;
};

/// Registers every admin route; `deps` must outlive the server.
void add_admin_routes(httplib::Server& server, const admin_routes_deps& deps);

/// GET /admin/actors, /admin/actors/{id}, /admin/summary, /admin/audit, /admin.
void add_admin_read_routes(httplib::Server& server, const admin_routes_deps& deps);

/// POST /admin/orders/{id}/(retry|cancel|run-now), /admin/stages/{stage}/(pause|resume).
void add_admin_action_routes(httplib::Server& server, const admin_routes_deps& deps);

/// GET /admin/cluster: every node's capacity, in-flight count and last heartbeat.
void add_admin_cluster_routes(httplib::Server& server, const admin_routes_deps& deps);

/// GET /admin/actors?scope=cluster in cluster mode: answers `res` from the
/// heartbeats and returns true; false on a single node (the caller answers
/// with its own listing, which then is the cluster's).
bool send_cluster_actors(const admin_routes_deps& deps, const services::actor_filter& filter,
                         httplib::Response& res);

}  // namespace khaacho::http
