// The log-only notifier: one info line per message with the recipient
// masked, and a receipt named after the idempotency key.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <string>

#include <unistd.h>

#include "adapters/notify/log_notifier.hpp"

using namespace khaacho::notify;

namespace {

/// What `f` writes to stdout (where the logger writes).
template <class F>
std::string stdout_of(F f) {
  std::fflush(stdout);
  auto* tmp = std::tmpfile();
  REQUIRE(tmp != nullptr);
  int saved = ::dup(1);
  ::dup2(::fileno(tmp), 1);
  f();
  std::fflush(stdout);
  ::dup2(saved, 1);
  ::close(saved);
  std::string out;
  std::rewind(tmp);
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, tmp)) > 0;)
    out.append(buf, n);
  std::fclose(tmp);
  return out;
}

}  // namespace

TEST_CASE("recipients are masked for the log", "[notify][adapters]") {
  auto [recipient, masked] = GENERATE(table<std::string, std::string>({
    {"+9779841231953", "+97798****1953"},
    {"+14155552671", "+14155****2671"},
    {"+1234567", "****67"},
    {"ram@example.com", "r***@example.com"},
    {"@example.com", "***@example.com"},
    {"", "****"},
  }));
  CAPTURE(recipient);
  CHECK(mask_recipient(recipient) == masked);
}

TEST_CASE("log notifier logs one masked line and answers log:<key>", "[notify][adapters]") {
  log_notifier n{"whatsapp"};
  CHECK(n.channel() == "whatsapp");
  outgoing_message m;
  m.channel = "whatsapp";
  m.recipient = "+9779841231953";
  m.idempotency_key = "3f2c5b0e-7a1d-4c2e-9b8f-0123456789ab";
  m.subject = "Request for quote 1a2b3c4d: 2 items";
  m.text = "Namaste, the full RFQ text with prices";
  caf::expected<send_receipt> got{send_receipt{}};
  auto out = stdout_of([&] { got = n.send(m); });
  REQUIRE(got);
  CHECK(got->provider_message_id == "log:3f2c5b0e-7a1d-4c2e-9b8f-0123456789ab");
  CAPTURE(out);
  CHECK(std::count(out.begin(), out.end(), '\n') == 1);
  CHECK_THAT(out, Catch::Contains(R"("severity":"INFO")"));
  CHECK_THAT(out, Catch::Contains(R"("channel":"whatsapp")"));
  CHECK_THAT(out, Catch::Contains(R"("recipient":"+97798****1953")"));
  CHECK_THAT(out, Catch::Contains(R"("idempotency_key":"3f2c5b0e-7a1d-4c2e-9b8f-0123456789ab")"));
  CHECK_THAT(out, Catch::Contains(R"("subject":"Request for quote 1a2b3c4d: 2 items")"));
  CHECK_THAT(out, !Catch::Contains("9841231953"));
  CHECK_THAT(out, !Catch::Contains("full RFQ text"));
}
