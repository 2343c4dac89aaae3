// An in-process node for admin API tests: the real registry, supervisors and
// gates with controllable test stages (pipeline_harness), and the admin
// routes on a loopback HTTP server in front of them.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include <httplib.h>

#include "actors/db_call.hpp"
#include "adapters/auth/token_verifier.hpp"
#include "api/api_test_support.hpp"
#include "http/admin_routes.hpp"
#include "http/http_server.hpp"
#include "support/pipeline_harness.hpp"

namespace khaacho::test {

class admin_node {
public:
  /// Starts the harness's pipeline; script stages and add orders before
  /// calling start() (or after, then tell the registry with accepted()).
  explicit admin_node(std::function<void(config::settings&)> tweak = {})
    : h(std::move(tweak)) {
  }

  ~admin_node() {
    if (server_)
      server_->stop();
  }

  void start() {
    h.start();
    db_ = std::make_unique<db_client>(h.system(), h.pool(), std::chrono::seconds{10});
    control_ = std::make_unique<services::pipeline_control>(h.system(), &h.pipe(),
                                                            std::chrono::seconds{5});
    queries_ = std::make_unique<services::admin_queries>(*db_);
    audit_ = std::make_unique<services::audit_log>(*db_);
    server_ = std::make_unique<http::http_server>(4);
    http::add_admin_routes(server_->routes(),
                           {&verifier_, control_.get(), queries_.get(), audit_.get(), "test-node"});
    port_ = *server_->bind("127.0.0.1", 0);
    server_->start();
  }

  httplib::Client client() const {
    httplib::Client cli{"127.0.0.1", port_};
    cli.set_read_timeout(std::chrono::seconds{30});
    return cli;
  }

  httplib::Result get(const std::string& path, const std::string& role = "operator") {
    auto cli = client();
    return cli.Get(path.c_str(), bearer(token_for(role)));
  }

  httplib::Result post(const std::string& path, const std::string& role = "admin") {
    auto cli = client();
    return cli.Post(path.c_str(), bearer(token_for(role)), "", "application/json");
  }

  /// Polls GET `path` until `pred(body)` holds (at most `timeout`); returns the last body.
  std::string poll(const std::string& path, const std::function<bool(const std::string&)>& pred,
                   std::chrono::milliseconds timeout = std::chrono::seconds{10}) {
    auto until = std::chrono::steady_clock::now() + timeout;
    std::string body;
    for (;;) {
      auto res = get(path);
      if (res && res->status == 200) {
        body = res->body;
        if (pred(body))
          return body;
      }
      if (std::chrono::steady_clock::now() > until)
        return body;
      std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
  }

  pipeline_harness h;

private:
  auth::token_verifier verifier_{test_jwt_secret};
  std::unique_ptr<db_client> db_;
  std::unique_ptr<services::pipeline_control> control_;
  std::unique_ptr<services::admin_queries> queries_;
  std::unique_ptr<services::audit_log> audit_;
  std::unique_ptr<http::http_server> server_;
  int port_ = 0;
};

/// A JSON number at `pointer`, or -1.
inline int64_t json_int(const std::string& body, const char* pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc))
    return -1;
  int64_t v = 0;
  if (doc.at_pointer(pointer).get(v))
    return -1;
  return v;
}

inline bool json_bool(const std::string& body, const char* pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc))
    return false;
  bool v = false;
  if (doc.at_pointer(pointer).get(v))
    return false;
  return v;
}

}  // namespace khaacho::test
