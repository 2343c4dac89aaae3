#include "support/khaacho_server.hpp"

#include <csignal>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "adapters/auth/token_signer.hpp"
#include "common/errc.hpp"

namespace khaacho::test {

using namespace std::chrono_literals;

khaacho_server::khaacho_server(std::vector<std::string> flags,
                               std::map<std::string, std::string> env) {
  port_ = free_port();
  std::vector<std::string> argv{khaacho_binary(), "serve", "--migrate", "--http.host=127.0.0.1",
                                "--http.port=" + std::to_string(port_)};
  // API tests look at what the API stored, so no pipeline moves their orders
  // on, unless a test turns it on (end-to-end tests do).
  bool pipeline_chosen = false;
  for (const auto& f : flags)
    pipeline_chosen = pipeline_chosen || f.rfind("--pipeline.enabled", 0) == 0;
  if (!pipeline_chosen)
    argv.push_back("--pipeline.enabled=false");
  argv.insert(argv.end(), flags.begin(), flags.end());
  env.emplace("DATABASE_URL", database_.url());
  env.emplace("JWT_SECRET", test_jwt_secret);
  env.emplace("KHAACHO_STORAGE_ROOT", storage_.path().string());
  env.emplace("LOG_LEVEL", "info");
  proc_ = std::make_unique<child_process>(argv, env);
  auto cli = client();
  auto until = std::chrono::steady_clock::now() + 60s;
  for (;;) {
    auto res = cli.Get("/readyz");
    if (res && res->status == 200)
      break;
    if (proc_->wait(0ms) || std::chrono::steady_clock::now() > until)
      throw std::runtime_error("khaacho serve did not become ready:\n" + proc_->out() + "\n"
                               + proc_->err());
    std::this_thread::sleep_for(50ms);
  }
}

khaacho_server::~khaacho_server() {
  conn_.reset();
  if (proc_) {
    proc_->signal(SIGTERM);
    proc_->wait(30s);
  }
}

httplib::Client khaacho_server::client() const {
  httplib::Client cli{"127.0.0.1", port_};
  cli.set_connection_timeout(2s);
  cli.set_read_timeout(30s);
  cli.set_write_timeout(30s);
  return cli;
}

db::pg_connection& khaacho_server::db() {
  if (!conn_) {
    auto c = db::pg_connection::open(database_.url());
    if (!c)
      throw std::runtime_error("cannot connect: " + describe(c.error()));
    conn_ = std::make_unique<db::pg_connection>(std::move(*c));
  }
  return *conn_;
}

std::vector<std::string> khaacho_server::stored_files() const {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(storage_.path()))
    if (e.is_regular_file())
      out.push_back(std::filesystem::relative(e.path(), storage_.path()).string());
  return out;
}

int64_t khaacho_server::order_count() {
  auto r = db().exec("SELECT count(*) AS n FROM uploaded_orders");
  if (!r)
    throw std::runtime_error(describe(r.error()));
  return r->row(0).get<int64_t>("n");
}

std::string token_for(const std::string& role, const std::string& retailer_id,
                      std::chrono::seconds ttl) {
  auth::token_claims claims{"test-" + role, role, retailer_id, ttl};
  auto t = auth::sign_token(claims, test_jwt_secret, std::chrono::system_clock::now());
  if (!t)
    throw std::runtime_error("cannot sign: " + describe(t.error()));
  return *t;
}

httplib::Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

}  // namespace khaacho::test
