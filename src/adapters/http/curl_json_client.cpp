// libcurl POSTs of JSON bodies: one reused easy handle, connect and total
// deadlines, no signals, Retry-After from the headers, secrets scrubbed.
#include "adapters/http/curl_json_client.hpp"

#include <cctype>
#include <ctime>
#include <mutex>

#include <caf/make_message.hpp>
#include <curl/curl.h>
#include <simdjson.h>

#include "common/trace_context.hpp"

namespace khaacho::http_client {

namespace {

using std::chrono::milliseconds;

/// No answer we expect comes near this; a larger one is cut off as a failure.
constexpr size_t max_body_bytes = 16 * 1024 * 1024;

/// Longest Retry-After we pass on: a day (absurd values must not overflow).
constexpr int64_t max_retry_after_ms = 24 * 3600 * 1000LL;

void init_curl_once() {
  static std::once_flag once;
  // Not thread-safe itself, and must run before any thread uses curl.
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct slist_deleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

struct transfer {
  http_reply* reply = nullptr;
  bool too_large = false;
  std::optional<milliseconds> retry_after_s;   ///< from Retry-After
  std::optional<milliseconds> retry_after_ms;  ///< from retry-after-ms (wins)
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<transfer*>(user);
  auto n = size * count;
  if (t->reply->body.size() + n > max_body_bytes) {
    t->too_large = true;
    return 0;  // makes curl fail the transfer with CURLE_WRITE_ERROR
  }
  t->reply->body.append(data, n);
  return n;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty()
         && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i]))
        != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

/// Digits with an optional fraction ("1500", "1.5"); nullopt otherwise.
std::optional<double> plain_number(std::string_view s) {
  if (s.empty())
    return std::nullopt;
  double whole = 0, scale = 0.1, frac = 0;
  bool dot = false, digit = false;
  for (char c : s) {
    if (c == '.' && !dot) {
      dot = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
      if (dot) {
        frac += (c - '0') * scale;
        scale /= 10;
      } else {
        whole = whole * 10 + (c - '0');
      }
    } else {
      return std::nullopt;
    }
  }
  if (!digit)
    return std::nullopt;
  return whole + frac;
}

milliseconds capped_ms(double ms) {
  if (!(ms > 0))
    return milliseconds{0};
  if (ms > static_cast<double>(max_retry_after_ms))
    return milliseconds{max_retry_after_ms};
  return milliseconds{static_cast<int64_t>(ms)};
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<transfer*>(user);
  auto n = size * count;
  std::string_view line{data, n};
  if (line.rfind("HTTP/", 0) == 0) {
    // A new response starts (after a 100 Continue, say): forget the last one's.
    t->retry_after_s.reset();
    t->retry_after_ms.reset();
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos)
    return n;
  auto name = trim(line.substr(0, colon));
  auto value = trim(line.substr(colon + 1));
  if (iequals(name, "retry-after")) {
    t->retry_after_s = parse_retry_after(value, static_cast<int64_t>(time(nullptr)));
  } else if (iequals(name, "retry-after-ms")) {
    if (auto ms = plain_number(value))
      t->retry_after_ms = capped_ms(*ms);
  }
  return n;
}


}  // namespace

caf::error upstream_failure(errc code, std::string message,
                            std::optional<milliseconds> retry_after) {
  if (retry_after)
    return caf::error{static_cast<uint8_t>(code), caf::atom("khaacho"),
                      caf::make_message(std::move(message), int64_t{retry_after->count()})};
  return caf::make_error(code, std::move(message));
}

std::optional<milliseconds> parse_retry_after(std::string_view value, int64_t now) {
  value = trim(value);
  if (value.empty())
    return std::nullopt;
  bool digits = true;
  for (char c : value)
    digits = digits && c >= '0' && c <= '9';
  if (digits) {
    if (value.size() > 9)  // more than ~30 years: cap instead of overflowing
      return milliseconds{max_retry_after_ms};
    return capped_ms(plain_number(value).value_or(0) * 1000);
  }
  std::string text{value};
  auto when = curl_getdate(text.c_str(), nullptr);
  if (when < 0)
    return std::nullopt;
  return capped_ms((static_cast<double>(when) - static_cast<double>(now)) * 1000);
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty())
      continue;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
      text.replace(at, secret.size(), "[redacted]");
  }
  return text;
}

std::string printable(std::string_view text, size_t limit) {
  std::string out;
  for (char c : text.substr(0, limit))
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > limit)
    out += "...";
  return out;
}

bool header_safe(std::string_view v) {
  for (char c : v)
    if (!(c > 0x20 && c < 0x7f))
      return false;
  return true;
}

std::string service_message(const std::string& body) {
  if (body.empty())
    return {};
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view message;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS
      || doc["error"]["message"].get_string().get(message) != simdjson::SUCCESS)
    return {};
  return std::string{message};
}

caf::error classify_status(const http_reply& reply, const std::string& what,
                           const std::vector<std::string>& secrets) {
  auto why = what + " failed: HTTP " + std::to_string(reply.status);
  if (reply.status != 401 && reply.status != 403) {
    // Redact before trimming, so a secret cut in half cannot slip through.
    auto said = printable(redact(service_message(reply.body), secrets), 300);
    if (!said.empty())
      why += " (" + said + ")";
  }
  if (reply.status == 408 || reply.status == 429 || reply.status >= 500)
    return upstream_failure(errc::upstream_unavailable, std::move(why), reply.retry_after);
  return upstream_failure(errc::upstream_rejected, std::move(why));
}

void curl_json_client::handle_deleter::operator()(void* h) const noexcept {
  curl_easy_cleanup(static_cast<CURL*>(h));
}

curl_json_client::curl_json_client(http_timeouts timeouts) : timeouts_(timeouts) {
  init_curl_once();
  handle_.reset(curl_easy_init());
}

curl_json_client::~curl_json_client() = default;

caf::expected<http_reply> curl_json_client::post(const std::string& url,
                                                 const std::vector<std::string>& headers,
                                                 std::string_view body, const std::string& what,
                                                 const std::vector<std::string>& secrets) {
  auto fail = [&](std::string why) {
    return upstream_failure(errc::upstream_unavailable, redact(what + why, secrets));
  };
  if (!handle_)
    handle_.reset(curl_easy_init());
  if (!handle_)
    return fail(": cannot create a curl handle");
  auto* h = static_cast<CURL*>(handle_.get());
  curl_easy_reset(h);  // keeps the connection cache, drops the last call's options

  curl_slist* list = nullptr;
  for (const auto& line : headers) {
    auto* next = curl_slist_append(list, line.c_str());
    if (next == nullptr) {
      curl_slist_free_all(list);
      return fail(": out of memory building headers");
    }
    list = next;
  }
  // Propagate the trace of the work this thread is doing (an order's stage
  // attempt): the call is a new span, a child of the attempt's.
  if (const auto* tc = trace::current()) {
    trace::context call{tc->trace_id, trace::new_span_id(), tc->sampled};
    auto line = "traceparent: " + trace::format_traceparent(call);
    auto* next = curl_slist_append(list, line.c_str());
    if (next == nullptr) {
      curl_slist_free_all(list);
      return fail(": out of memory building headers");
    }
    list = next;
  }
  std::unique_ptr<curl_slist, slist_deleter> header_list{list};

  http_reply reply;
  transfer t;
  t.reply = &reply;
  char error_text[CURL_ERROR_SIZE] = {0};
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption opt, auto value) {
    if (rc == CURLE_OK)
      rc = curl_easy_setopt(h, opt, value);
  };
  set(CURLOPT_URL, url.c_str());
  set(CURLOPT_NOSIGNAL, 1L);  // timeouts must not use SIGALRM in a threaded process
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeouts_.connect.count()));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(timeouts_.total.count()));
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_FOLLOWLOCATION, 0L);  // a redirect would carry our credentials elsewhere
  set(CURLOPT_ACCEPT_ENCODING, "");  // whatever this libcurl can decode
  set(CURLOPT_ERRORBUFFER, error_text);
  set(CURLOPT_WRITEFUNCTION, &on_body);
  set(CURLOPT_WRITEDATA, static_cast<void*>(&t));
  set(CURLOPT_HEADERFUNCTION, &on_header);
  set(CURLOPT_HEADERDATA, static_cast<void*>(&t));
  set(CURLOPT_HTTPHEADER, header_list.get());
  set(CURLOPT_POST, 1L);
  set(CURLOPT_POSTFIELDS, body.data());  // not copied: lives until perform returns
  set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  if (rc != CURLE_OK)
    return fail(std::string{": cannot configure curl: "} + curl_easy_strerror(rc));

  rc = curl_easy_perform(h);
  if (t.too_large)
    return fail(" failed: the answer is larger than " + std::to_string(max_body_bytes) + " bytes");
  if (rc != CURLE_OK) {
    auto detail = error_text[0] != '\0' ? std::string{error_text} : curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT)
      return fail(" timed out after " + std::to_string(timeouts_.total.count()) + " ms ("
                  + detail + ")");
    return fail(" failed: " + detail);
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply.status);
  reply.retry_after = t.retry_after_ms ? t.retry_after_ms : t.retry_after_s;
  return reply;
}

}  // namespace khaacho::http_client
