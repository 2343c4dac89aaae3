#include "support/pipeline_harness.hpp"

#include <stdexcept>
#include <thread>

#include <caf/send.hpp>

#include "actors/db_pool.hpp"
#include "adapters/db/migrator.hpp"
#include "adapters/db/pg_array_literal.hpp"
#include "app/stop_actors.hpp"
#include "common/digest.hpp"
#include "common/errc.hpp"

namespace khaacho::test {

config::settings fast_pipeline_settings() {
  config::settings s;
  for (auto& kv : s.stages) {
    kv.second.initial_backoff = std::chrono::milliseconds{50};
    kv.second.max_backoff = std::chrono::milliseconds{400};
    kv.second.timeout = std::chrono::milliseconds{2000};
    kv.second.max_attempts = 3;
    kv.second.max_concurrent = 50;
    kv.second.max_per_second = 100000;
  }
  s.pipeline.backoff_jitter = false;
  s.pipeline.claim_interval = std::chrono::milliseconds{100};
  s.node.lease_duration = std::chrono::seconds{30};
  s.node.max_in_flight = 200;
  s.database.pool_size = 4;
  return s;
}

pipeline_harness::pipeline_harness(std::function<void(config::settings&)> tweak,
                                   size_t workers_per_stage, const std::string& node)
  : settings_(fast_pipeline_settings()), node_(node), workers_(workers_per_stage) {
  settings_.database.url = database_.url();
  if (tweak)
    tweak(settings_);
  auto files = db::read_migration_dir(std::string{KHAACHO_SOURCE_DIR} + "/migrations");
  if (!files)
    throw std::runtime_error(describe(files.error()));
  if (auto m = db::migrate(db(), *files); !m)
    throw std::runtime_error(describe(m.error()));
  cfg_ = std::make_unique<caf::actor_system_config>();
  cfg_->set("logger.verbosity", caf::atom("quiet"));
  cfg_->set("scheduler.max-threads", 2);
  cfg_->set("work-stealing.moderate-poll-attempts", 0);
  sys_ = std::make_unique<caf::actor_system>(*cfg_);
  db::pg_options opts;
  pool_ = sys_->spawn(db_pool, db_pool_config{database_.url(), settings_.database.pool_size, opts});
}

void pipeline_harness::start() {
  auto stages = make_test_stages(*sys_, script, workers_, latest_stages);
  for (auto& kv : overrides)
    stages[kv.first] = kv.second;
  auto p = start_pipeline(*sys_, pool_, settings_, node_, stages);
  if (!p)
    throw std::runtime_error(describe(p.error()));
  pipe_ = std::move(*p);
}

pipeline_harness::~pipeline_harness() {
  if (!stopped_)
    stop();
  caf::anon_send_exit(pool_, caf::exit_reason::user_shutdown);
  app::await_actors_done(*sys_, std::chrono::seconds{10});
  sys_.reset();
  conn_.reset();
}

bool pipeline_harness::stop(std::chrono::milliseconds grace) {
  if (stopped_)
    return true;
  stopped_ = true;
  return stop_pipeline(*sys_, pipe_, grace);
}

db::pg_connection& pipeline_harness::db() {
  if (!conn_) {
    auto c = db::pg_connection::open(database_.url());
    if (!c)
      throw std::runtime_error(describe(c.error()));
    conn_ = std::make_unique<db::pg_connection>(std::move(*c));
  }
  return *conn_;
}

std::string pipeline_harness::add_order(const std::string& retailer_id,
                                        const std::string& image_key) {
  auto id = random_uuid();
  auto r = db().exec("INSERT INTO uploaded_orders (id, retailer_id, image_key, image_url,"
                     " image_content_type, image_size) VALUES ($1::uuid, $2::uuid, $3, $4,"
                     " 'image/jpeg', 10)",
                     db::pg_params(id, retailer_id,
                                   image_key.empty() ? "orders/test_order_" + id + ".jpg" : image_key,
                                   "file:///test/" + id));
  if (!r)
    throw std::runtime_error(describe(r.error()));
  return id;
}

std::vector<std::string> pipeline_harness::add_orders(int n, const std::string& retailer_id) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i)
    ids.push_back(add_order(retailer_id));
  return ids;
}

void pipeline_harness::accepted(const std::string& order_id) {
  caf::anon_send(pipe_.registry, accepted_atom::value, order_id);
}

bool pipeline_harness::wait_terminal(const std::vector<std::string>& ids,
                                     std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  db::pg_array_literal literal;
  for (const auto& id : ids)
    literal.add(id);
  auto list = literal.release();
  for (;;) {
    auto r = db().exec("SELECT count(*) AS n FROM uploaded_orders WHERE id = ANY($1::uuid[])"
                       " AND status = 'PROCESSING'",
                       db::pg_params(list));
    if (r && r->row(0).get<int64_t>("n") == 0)
      return true;
    if (std::chrono::steady_clock::now() > until)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{25});
  }
}

std::string pipeline_harness::status(const std::string& id) {
  auto r = db().exec("SELECT status::text AS s FROM uploaded_orders WHERE id = $1::uuid",
                     db::pg_params(id));
  return r && !r->empty() ? r->row(0).get<std::string>("s") : "";
}

std::string pipeline_harness::failure_reason(const std::string& id) {
  auto r = db().exec("SELECT failure_reason AS f FROM uploaded_orders WHERE id = $1::uuid",
                     db::pg_params(id));
  if (!r || r->empty())
    return "";
  return r->row(0).get_optional<std::string>("f").value_or("");
}

std::vector<std::pair<int, std::string>> pipeline_harness::attempts(const std::string& id,
                                                                    const std::string& stage) {
  auto r = db().exec("SELECT attempt, outcome FROM order_stage_attempts WHERE order_id = $1::uuid"
                     " AND stage = $2 ORDER BY attempt",
                     db::pg_params(id, stage));
  std::vector<std::pair<int, std::string>> out;
  if (r)
    for (size_t i = 0; i < r->size(); ++i)
      out.emplace_back(static_cast<int>(r->row(i).get<int64_t>("attempt")),
                       r->row(i).get<std::string>("outcome"));
  return out;
}

int64_t pipeline_harness::checkpoint_count(const std::string& id) {
  auto r = db().exec("SELECT count(*) AS n FROM order_stage_checkpoints WHERE order_id = $1::uuid",
                     db::pg_params(id));
  return r ? r->row(0).get<int64_t>("n") : -1;
}

}  // namespace khaacho::test
