// The libcurl side of webhook delivery. Where the connection goes is decided
// here and nowhere else: resolve, classify, pin with CURLOPT_RESOLVE, and
// refuse in CURLOPT_OPENSOCKETFUNCTION any address that was not checked.
#include "adapters/webhook/curl_webhook_poster.hpp"

#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <vector>

#include <curl/curl.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>

#include "adapters/http/curl_json_client.hpp"
#include "adapters/webhook/webhook_signature.hpp"
#include "common/errc.hpp"
#include "model/ip_address_class.hpp"
#include "model/webhook_url.hpp"

namespace khaacho::webhook {

namespace {

using std::chrono::milliseconds;

/// Receivers answer with a short acknowledgement; more is read and dropped
/// up to this, then the transfer is cut (the status is known by then).
constexpr size_t max_answer_bytes = 1024 * 1024;

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

/// What curl may connect to, and what it tried that was refused.
struct socket_guard {
  std::vector<model::ip_address> allowed;
  bool allow_insecure = false;
  bool refused = false;
  std::string refused_what;
};

std::optional<model::ip_address> address_of(const sockaddr* sa, socklen_t len) {
  model::ip_address a;
  if (sa->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    std::memcpy(a.bytes.data(), &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, 4);
    return a;
  }
  if (sa->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    std::memcpy(a.bytes.data(), &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, 16);
    a.v6 = true;
    return a;
  }
  return std::nullopt;
}

// The last word on where a connection goes: curl asks for every socket it
// opens (each happy-eyeballs candidate too). Anything not resolved and
// checked above, or not allowed by the policy, gets no socket.
curl_socket_t open_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* guard = static_cast<socket_guard*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN) {
    guard->refused = true;
    guard->refused_what = "a non-IP connection";
    return CURL_SOCKET_BAD;
  }
  auto a = address_of(&address->addr, address->addrlen);
  if (!a) {
    guard->refused = true;
    guard->refused_what = "an address of an unknown family";
    return CURL_SOCKET_BAD;
  }
  bool pinned = false;
  for (const auto& b : guard->allowed)
    pinned = pinned || (b.v6 == a->v6 && b.bytes == a->bytes);
  auto cls = model::classify(*a);
  if (!pinned || !model::webhook_may_connect(cls, guard->allow_insecure)) {
    guard->refused = true;
    guard->refused_what = model::to_string(*a) + (pinned ? " (" + model::to_string(cls) + ")"
                                                          : " (not the checked address)");
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

size_t on_body(char*, size_t size, size_t count, void* user) {
  auto* received = static_cast<size_t*>(user);
  auto n = size * count;
  *received += n;
  return *received > max_answer_bytes ? 0 : n;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* retry_after = static_cast<std::optional<milliseconds>*>(user);
  auto n = size * count;
  std::string_view line{data, n};
  if (line.rfind("HTTP/", 0) == 0) {
    retry_after->reset();  // a new response (after 100 Continue): forget the last one's
    return n;
  }
  constexpr std::string_view name = "retry-after:";
  if (line.size() > name.size() && strncasecmp(line.data(), name.data(), name.size()) == 0)
    *retry_after = http_client::parse_retry_after(trim(line.substr(name.size())),
                                                  static_cast<int64_t>(time(nullptr)));
  return n;
}

struct easy_deleter {
  void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
};
struct slist_deleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

caf::error rejected(std::string why) {
  return caf::make_error(errc::upstream_rejected, "webhook not sent: " + std::move(why));
}

caf::error unavailable(std::string why) {
  return caf::make_error(errc::upstream_unavailable, "webhook not delivered: " + std::move(why));
}

std::string bracketed(const model::ip_address& a) {
  return a.v6 ? "[" + model::to_string(a) + "]" : model::to_string(a);
}

}  // namespace

curl_webhook_poster::curl_webhook_poster(poster_options opts) : opts_(opts) {
  init_curl_once();
}

caf::expected<webhook_answer> curl_webhook_poster::post(const webhook_post& p) {
  // The registration-time check is not enough: the switch may have been
  // turned off since, or the row written by other means.
  auto checked = model::parse_webhook_url(p.url, opts_.allow_insecure);
  if (!checked.url)
    return rejected("the url is not acceptable: " + checked.error);
  const auto& u = *checked.url;
  std::vector<model::ip_address> addresses;
  if (u.host_is_ip) {
    addresses.push_back(*model::parse_ip(u.host));
  } else {
    auto resolved = opts_.resolve(u.host);
    if (!resolved)
      return resolved.error();
    addresses = std::move(*resolved);
    if (addresses.empty())
      return unavailable("the host has no address");
  }
  // One forbidden address refuses the whole name: a record set that mixes
  // public and internal addresses is an attack, not a configuration.
  for (const auto& a : addresses) {
    auto cls = model::classify(a);
    if (!model::webhook_may_connect(cls, opts_.allow_insecure))
      return rejected("the host resolves to a " + model::to_string(cls) + " address ("
                      + model::to_string(a) + "); only public addresses may be posted to");
  }
  if (!http_client::header_safe(p.delivery_id))
    return rejected("the delivery id cannot go into a header");

  std::unique_ptr<CURL, easy_deleter> handle{curl_easy_init()};
  if (!handle)
    return unavailable("cannot create a curl handle");
  auto* h = handle.get();

  std::unique_ptr<curl_slist, slist_deleter> pins;
  if (!u.host_is_ip) {
    std::string entry = u.host + ":" + std::to_string(u.port) + ":";
    for (size_t i = 0; i < addresses.size(); ++i)
      entry += (i ? "," : "") + bracketed(addresses[i]);
    pins.reset(curl_slist_append(nullptr, entry.c_str()));
    if (!pins)
      return unavailable("out of memory");
  }

  auto timestamp = static_cast<int64_t>(std::time(nullptr));
  std::vector<std::string> lines{
    "Content-Type: application/json",
    std::string{event_header} + ": order.status_changed",
    std::string{delivery_header} + ": " + p.delivery_id,
    std::string{timestamp_header} + ": " + std::to_string(timestamp),
    std::string{signature_header} + ": " + sign(p.secret, timestamp, p.body),
    "Expect:",  // no 100-continue round trip for a small body
  };
  curl_slist* raw = nullptr;
  for (const auto& line : lines) {
    auto* next = curl_slist_append(raw, line.c_str());
    if (next == nullptr) {
      curl_slist_free_all(raw);
      return unavailable("out of memory");
    }
    raw = next;
  }
  std::unique_ptr<curl_slist, slist_deleter> headers{raw};

  socket_guard guard;
  guard.allowed = addresses;
  guard.allow_insecure = opts_.allow_insecure;
  size_t received = 0;
  std::optional<milliseconds> retry_after;
  char error_text[CURL_ERROR_SIZE] = {0};
  auto connect_ms = std::min(opts_.timeout, milliseconds{5000});
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption opt, auto value) {
    if (rc == CURLE_OK)
      rc = curl_easy_setopt(h, opt, value);
  };
  set(CURLOPT_URL, u.normalized.c_str());
  set(CURLOPT_PROTOCOLS_STR, opts_.allow_insecure ? "http,https" : "https");
  set(CURLOPT_FOLLOWLOCATION, 0L);
  set(CURLOPT_PROXY, "");  // ignore http(s)_proxy: we must reach the checked address itself
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_ms.count()));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(opts_.timeout.count()));
  set(CURLOPT_USERAGENT, "khaacho-webhooks/" KHAACHO_VERSION);
  set(CURLOPT_OPENSOCKETFUNCTION, &open_socket);
  set(CURLOPT_OPENSOCKETDATA, static_cast<void*>(&guard));
  if (pins)
    set(CURLOPT_RESOLVE, pins.get());
  set(CURLOPT_ERRORBUFFER, error_text);
  set(CURLOPT_WRITEFUNCTION, &on_body);
  set(CURLOPT_WRITEDATA, static_cast<void*>(&received));
  set(CURLOPT_HEADERFUNCTION, &on_header);
  set(CURLOPT_HEADERDATA, static_cast<void*>(&retry_after));
  set(CURLOPT_HTTPHEADER, headers.get());
  set(CURLOPT_POST, 1L);
  set(CURLOPT_POSTFIELDS, p.body.data());  // not copied: lives until perform returns
  set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(p.body.size()));
  if (rc != CURLE_OK)
    return unavailable(std::string{"cannot configure curl: "} + curl_easy_strerror(rc));

  rc = curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (rc == CURLE_WRITE_ERROR && status != 0)
    rc = CURLE_OK;  // we cut an over-long answer; its status is what counts
  if (rc != CURLE_OK) {
    if (guard.refused)
      return rejected("refused to connect to " + guard.refused_what);
    std::string detail = error_text[0] != '\0' ? error_text : curl_easy_strerror(rc);
    // Once request bytes left, the receiver may have acted on them: the
    // outcome is unknown and the retry carries the same delivery id.
    long sent = 0;
    curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &sent);
    if (sent > 0)
      return http_client::upstream_failure(errc::timeout,
                                           "webhook outcome unknown (" + detail
                                             + "); it may have been delivered");
    return unavailable(detail);
  }
  return webhook_answer{status, retry_after};
}

}  // namespace khaacho::webhook
