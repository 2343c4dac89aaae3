// Configuration: defaults, the file, environment and flags, and errors that
// name the offending key.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "config/config_schema.hpp"
#include "config/load_settings.hpp"

using namespace khaacho::config;

namespace {

settings_sources from_text(std::string text, std::map<std::string, std::string> env = {},
                           std::vector<std::pair<std::string, std::string>> flags = {}) {
  settings_sources src;
  src.config_text = std::move(text);
  src.getenv = [env](const std::string& name) -> std::optional<std::string> {
    auto i = env.find(name);
    if (i == env.end())
      return std::nullopt;
    return i->second;
  };
  src.flags = std::move(flags);
  return src;
}

}  // namespace

TEST_CASE("an empty configuration keeps the embedded defaults", "[model]") {
  auto r = load_settings(from_text(""));
  REQUIRE(r.ok());
  CHECK(r.value.http.port == 8080);
  CHECK(r.value.http.max_upload_bytes == 10 * 1024 * 1024);
  CHECK(r.value.storage.backend == "local");
  CHECK(r.value.ocr.backend == "tesseract");
  CHECK(r.value.extract.backend == "rules");
  CHECK(r.value.stages.at("notify").max_attempts == 10);
  CHECK(r.value.stages.at("ocr").max_attempts == 3);
  CHECK(r.value.stages.at("notify").max_backoff == std::chrono::hours{1});
}

TEST_CASE("file values of every kind are applied", "[model]") {
  auto r = load_settings(from_text(R"(
[http]
port=9090
[database]
statement-timeout=250ms
pool-size=7
migrate-on-start=true
[normalize]
auto-match=0.9
[node]
lease-duration=2min
[stages.ocr]
max-attempts=5
initial-backoff=2s
[log]
level="debug"
)"));
  REQUIRE(r.ok());
  CHECK(r.value.http.port == 9090);
  CHECK(r.value.database.statement_timeout == std::chrono::milliseconds{250});
  CHECK(r.value.database.pool_size == 7);
  CHECK(r.value.database.migrate_on_start);
  CHECK(r.value.normalize.auto_match == Approx(0.9));
  CHECK(r.value.node.lease_duration == std::chrono::seconds{120});
  CHECK(r.value.stages.at("ocr").max_attempts == 5);
  CHECK(r.value.stages.at("ocr").initial_backoff == std::chrono::seconds{2});
  CHECK(r.value.log.level == "debug");
}

TEST_CASE("unknown keys and bad values stop loading and name the key", "[model]") {
  auto [text, key] = GENERATE(table<std::string, std::string>({
    {"[http]\nprot=8080\n", "http.prot"},
    {"[htp]\nport=8080\n", "htp.port"},
    {"[http]\nport=\"abc\"\n", "http.port"},
    {"[http]\nport=70000\n", "http.port"},
    {"[http]\nport=-1\n", "http.port"},
    {"[database]\nstatement-timeout=30\n", "database.statement-timeout"},
    {"[database]\nstatement-timeout=\"soon\"\n", "database.statement-timeout"},
    {"[database]\nmigrate-on-start=\"maybe\"\n", "database.migrate-on-start"},
    {"[storage]\nbackend=\"s3\"\n", "storage.backend"},
    {"[normalize]\nauto-match=1.5\n", "normalize.auto-match"},
    {"[stages.ocr]\nmax-attempts=0\n", "stages.ocr.max-attempts"},
    {"[stages.fax]\nmax-attempts=2\n", "stages.fax.max-attempts"},
    {"[node]\nlease-duration=1500ms\n", "node.lease-duration"},
    {"[normalize]\nreview=0.9\nauto-match=0.8\n", "normalize.review"},
    {"[stages.rfq]\ninitial-backoff=2h\nmax-backoff=1h\n", "stages.rfq.initial-backoff"},
  }));
  auto r = load_settings(from_text(text));
  CAPTURE(text, r.error);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error.find("'" + key + "'") != std::string::npos);
}

TEST_CASE("a config file syntax error is reported, not ignored", "[model]") {
  auto r = load_settings(from_text("[http\nport=1\n"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error.find("syntax error") != std::string::npos);
}

TEST_CASE("environment overrides the file and flags override the environment", "[model]") {
  auto file = "[http]\nport=9000\n";
  auto env_only = load_settings(from_text(file, {{"PORT", "9100"}}));
  REQUIRE(env_only.ok());
  CHECK(env_only.value.http.port == 9100);
  auto flagged = load_settings(from_text(file, {{"PORT", "9100"}}, {{"http.port", "9200"}}));
  REQUIRE(flagged.ok());
  CHECK(flagged.value.http.port == 9200);
  auto db = load_settings(from_text("", {{"DATABASE_URL", "postgres://u:p@h:1/db"},
                                         {"JWT_SECRET", std::string(40, 'x')},
                                         {"REDIS_URL", "redis://127.0.0.1:1"}}));
  REQUIRE(db.ok());
  CHECK(db.value.database.url == "postgres://u:p@h:1/db");
  CHECK(db.value.auth.jwt_secret == std::string(40, 'x'));
  CHECK(db.value.cluster.redis_url == "redis://127.0.0.1:1");
}

TEST_CASE("bad environment values and unknown flags name the key and where it came from", "[model]") {
  auto bad_env = load_settings(from_text("", {{"PORT", "eighty"}}));
  REQUIRE_FALSE(bad_env.ok());
  CHECK(bad_env.error.find("PORT") != std::string::npos);
  CHECK(bad_env.error.find("'http.port'") != std::string::npos);
  auto short_secret = load_settings(from_text("", {{"JWT_SECRET", "short"}}));
  REQUIRE_FALSE(short_secret.ok());
  CHECK(short_secret.error.find("'auth.jwt-secret'") != std::string::npos);
  CHECK(short_secret.error.find("short\"") == std::string::npos);  // the value is not echoed
  auto bad_flag = load_settings(from_text("", {}, {{"http.prot", "1"}}));
  REQUIRE_FALSE(bad_flag.ok());
  CHECK(bad_flag.error.find("'http.prot'") != std::string::npos);
}

TEST_CASE("backends that need credentials refuse to start without them", "[model]") {
  auto r = load_settings(from_text("[extract]\nbackend=\"openai\"\n"));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error.find("'extract.openai-api-key'") != std::string::npos);
  auto ok = load_settings(from_text("[extract]\nbackend=\"openai\"\n", {{"OPENAI_API_KEY", "sk-test"}}));
  CHECK(ok.ok());
}

TEST_CASE("secrets never appear in the settings dump", "[model]") {
  auto r = load_settings(from_text("", {{"DATABASE_URL", "postgres://u:hunter2pass@h/db"},
                                        {"JWT_SECRET", std::string(32, 'z') + "SECRETTAIL"},
                                        {"OPENAI_API_KEY", "sk-livekey123"}}));
  REQUIRE(r.ok());
  auto dump = describe_settings(r.value);
  CHECK(dump.find("hunter2pass") == std::string::npos);
  CHECK(dump.find("SECRETTAIL") == std::string::npos);
  CHECK(dump.find("sk-livekey123") == std::string::npos);
  CHECK(dump.find("--http.port=8080") != std::string::npos);
}

TEST_CASE("the shipped config file loads cleanly and documents every key", "[model]") {
  settings_sources src;
  src.config_file = KHAACHO_SOURCE_DIR "/config/khaacho.conf";
  src.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto r = load_settings(src);
  CAPTURE(r.error);
  REQUIRE(r.ok());
  std::ifstream in{KHAACHO_SOURCE_DIR "/config/khaacho.conf"};
  std::stringstream buf;
  buf << in.rdbuf();
  auto text = buf.str();
  for (const auto& key : config_schema()) {
    auto leaf = key.name.substr(key.name.rfind('.') + 1);
    CAPTURE(key.name);
    // Secrets are documented by their environment variable, the rest by name.
    if (key.secret)
      CHECK(text.find(key.env) != std::string::npos);
    else
      CHECK(text.find(leaf) != std::string::npos);
  }
}

TEST_CASE("a missing explicit config file is an error", "[model]") {
  settings_sources src;
  src.config_file = "/nonexistent/khaacho.conf";
  auto r = load_settings(src);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error.find("/nonexistent/khaacho.conf") != std::string::npos);
}

TEST_CASE("durations and booleans parse from text", "[model]") {
  auto [text, ms] = GENERATE(table<std::string, int64_t>({
    {"250ms", 250}, {"5s", 5000}, {"2min", 120000}, {"1h", 3600000}, {"1d", 86400000}, {"1.5s", 1500},
  }));
  auto c = parse_text(value_kind::duration, text);
  CAPTURE(text);
  REQUIRE(c.value);
  CHECK(std::get<std::chrono::milliseconds>(*c.value).count() == ms);
  CHECK_FALSE(parse_text(value_kind::duration, "5").value);
  CHECK_FALSE(parse_text(value_kind::duration, "-5s").value);
  CHECK(std::get<bool>(*parse_text(value_kind::boolean, "Yes").value));
  CHECK_FALSE(parse_text(value_kind::boolean, "maybe").value);
}
