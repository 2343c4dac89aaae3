// Webhook URL validation: what registration (and every send) accepts, and
// the normalized form that duplicates are judged by.
#include <catch2/catch.hpp>

#include "model/webhook_url.hpp"

using namespace khaacho::model;

TEST_CASE("good webhook URLs parse and normalize", "[model][webhooks]") {
  auto [text, normalized] = GENERATE(table<const char*, const char*>({
    {"https://hooks.example.com/khaacho", "https://hooks.example.com/khaacho"},
    {"HTTPS://Hooks.Example.COM/Path?x=1&y=%2F", "https://hooks.example.com/Path?x=1&y=%2F"},
    {"https://hooks.example.com", "https://hooks.example.com/"},
    {"https://hooks.example.com:443/a", "https://hooks.example.com/a"},
    {"https://hooks.example.com:8443/a", "https://hooks.example.com:8443/a"},
    {"https://hooks.example.com?token=abc", "https://hooks.example.com/?token=abc"},
    {"https://8.8.8.8/hook", "https://8.8.8.8/hook"},
    {"https://[2606:4700:4700:0::1111]/hook", "https://[2606:4700:4700::1111]/hook"},
    {"https://xn--nxasmq6b.example/hook", "https://xn--nxasmq6b.example/hook"},
  }));
  CAPTURE(text);
  auto r = parse_webhook_url(text, false);
  CAPTURE(r.error);
  REQUIRE(r.url);
  CHECK(r.url->normalized == normalized);
}

TEST_CASE("bad webhook URLs are refused in either mode", "[model][webhooks]") {
  auto insecure = GENERATE(false, true);
  auto text = GENERATE(as<std::string>{},
    "", "hooks.example.com/x", "ftp://hooks.example.com/", "file:///etc/passwd",
    "gopher://hooks.example.com/", "https://user:pw@hooks.example.com/",
    "https://user@hooks.example.com/", "https://hooks.example.com/#frag",
    "https://hooks example.com/", "https://hooks.example.com/a b", "https://hooks.example.com/\\x",
    "https://hooks.example.com:0/", "https://hooks.example.com:65536/",
    "https://hooks.example.com:99999999/", "https://hooks.example.com:/",
    "https://hooks.example.com:8a/", "https:///path", "https://:443/",
    "https://-bad.example.com/", "https://bad-.example.com/", "https://a..example.com/",
    "https://under_score.example.com/", "https://127.1/", "https://2130706433/",
    "https://0x7f.0.0.1/", "https://1.2.3.4.5/", "https://[::1/", "https://[fe80::1%25eth0]/",
    "https://[::1]x/", "https://hooks.example.com/%zz", "https://hooks.example.com/<script>",
    "https://h\xc3\xa9llo.example.com/", "https://hooks.example.com/\x7f",
    std::string("https://hooks.example.com/") + std::string(2100, 'a'),
    std::string("https://") + std::string(64, 'a') + ".example.com/");
  CAPTURE(text, insecure);
  auto r = parse_webhook_url(text, insecure);
  CHECK_FALSE(r.url);
  CHECK_FALSE(r.error.empty());
}

TEST_CASE("secure mode refuses http, non-public literals and local-only names",
          "[model][webhooks]") {
  auto text = GENERATE("http://hooks.example.com/", "https://127.0.0.1/", "https://10.1.2.3/",
                       "https://169.254.169.254/latest/meta-data/", "https://100.64.1.1/",
                       "https://0.0.0.0/", "https://[::1]/", "https://[fd00::1]/",
                       "https://[::ffff:127.0.0.1]/", "https://[fe80::1]/", "https://localhost/",
                       "https://api.localhost/", "https://printer.local/",
                       "https://metadata.google.internal/", "https://router.home.arpa/",
                       "https://intranet/");
  CAPTURE(text);
  auto r = parse_webhook_url(text, false);
  CHECK_FALSE(r.url);
  CHECK_FALSE(r.error.empty());
}

TEST_CASE("insecure mode accepts http and loopback for development", "[model][webhooks]") {
  auto text = GENERATE("http://127.0.0.1:8080/hook", "http://localhost:9000/",
                       "https://[::1]:8443/x", "http://10.0.0.5/h");
  CAPTURE(text);
  auto r = parse_webhook_url(text, true);
  CAPTURE(r.error);
  CHECK(r.url);
}

TEST_CASE("the parts of a URL are what curl will connect to", "[model][webhooks]") {
  auto r = parse_webhook_url("http://127.0.0.1:8080/a?b=c", true);
  REQUIRE(r.url);
  CHECK(r.url->scheme == "http");
  CHECK(r.url->host == "127.0.0.1");
  CHECK(r.url->host_is_ip);
  CHECK(r.url->port == 8080);
  CHECK(r.url->target == "/a?b=c");
  auto v6 = parse_webhook_url("https://[2606:4700::1]/", false);
  REQUIRE(v6.url);
  CHECK(v6.url->host == "2606:4700::1");
  CHECK(v6.url->port == 443);
  auto name = parse_webhook_url("https://Hooks.Example.com/", false);
  REQUIRE(name.url);
  CHECK_FALSE(name.url->host_is_ip);
  CHECK(name.url->host == "hooks.example.com");
}
