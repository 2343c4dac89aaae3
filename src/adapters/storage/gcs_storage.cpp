// Google Cloud Storage over its JSON API with libcurl: one easy handle per
// call, connect and total deadlines, no signals, errors classified by status.
#include "adapters/storage/gcs_storage.hpp"

#include <cstdio>
#include <optional>
#include <vector>

#include <curl/curl.h>
#include <simdjson.h>

#include "adapters/http/curl_json_client.hpp"
#include "common/errc.hpp"

namespace khaacho::storage {

namespace {

using namespace std::chrono_literals;

/// A fetched token is replaced this long before the metadata server says it expires.
constexpr auto token_refresh_margin = 60s;

void init_curl_once() {
  static std::once_flag once;
  // Not thread-safe itself, and must run before any thread uses curl.
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

caf::error unavailable(std::string why) {
  return caf::make_error(errc::upstream_unavailable, std::move(why));
}

caf::error rejected(std::string why) {
  return caf::make_error(errc::upstream_rejected, std::move(why));
}

/// Printable ASCII only, at most `limit` bytes: safe to put in a log line.
using http_client::printable;

caf::error invalid_key(std::string_view key) {
  return caf::make_error(errc::bad_input, "invalid storage key '" + printable(key, 80) + "'");
}

/// A value that can go into an HTTP header line as is: visible ASCII, and
/// spaces inside when `allow_space` (content types carry "; charset=").
bool header_safe(std::string_view v, bool allow_space) {
  if (v.empty())
    return false;
  for (char c : v)
    if (!((c > 0x20 && c < 0x7f) || (allow_space && c == ' ')))
      return false;
  return true;
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so a key's
/// '/' travels as %2F and the key stays one object name.
std::string percent_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
        || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

struct http_request {
  const char* method = "GET";  ///< GET, POST or DELETE
  std::string url;
  std::vector<std::string> headers;
  std::string_view body;  ///< POST only
};

struct http_reply {
  long status = 0;
  std::string body;
};

struct curl_deleter {
  void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
};

struct slist_deleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

size_t append_to_string(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

/// Performs one request. Transport failures (refused, DNS, TLS, timeout)
/// become errc::upstream_unavailable named by `what`; any HTTP answer is
/// returned for the caller to judge. Headers are never copied into messages.
caf::expected<http_reply> perform(const http_request& req, const gcs_timeouts& timeouts,
                                  const std::string& what) {
  std::unique_ptr<CURL, curl_deleter> handle{curl_easy_init()};
  if (!handle)
    return unavailable(what + ": cannot create a curl handle");
  CURL* h = handle.get();

  curl_slist* list = nullptr;
  for (const auto& line : req.headers) {
    auto* next = curl_slist_append(list, line.c_str());
    if (next == nullptr) {
      curl_slist_free_all(list);
      return unavailable(what + ": out of memory building headers");
    }
    list = next;
  }
  std::unique_ptr<curl_slist, slist_deleter> headers{list};

  http_reply reply;
  char error_text[CURL_ERROR_SIZE] = {0};
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption opt, auto value) {
    if (rc == CURLE_OK)
      rc = curl_easy_setopt(h, opt, value);
  };
  set(CURLOPT_URL, req.url.c_str());
  set(CURLOPT_NOSIGNAL, 1L);  // timeouts must not use SIGALRM in a threaded process
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeouts.connect.count()));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(timeouts.total.count()));
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_FOLLOWLOCATION, 0L);  // a redirect would carry our token elsewhere
  set(CURLOPT_ERRORBUFFER, error_text);
  set(CURLOPT_WRITEFUNCTION, &append_to_string);
  set(CURLOPT_WRITEDATA, static_cast<void*>(&reply.body));
  set(CURLOPT_HTTPHEADER, headers.get());
  std::string_view method = req.method;
  if (method == "POST") {
    set(CURLOPT_POST, 1L);
    set(CURLOPT_POSTFIELDS, req.body.data());  // not copied: lives until perform returns
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  } else if (method == "DELETE") {
    set(CURLOPT_CUSTOMREQUEST, "DELETE");
  } else {
    set(CURLOPT_HTTPGET, 1L);
  }
  if (rc != CURLE_OK)
    return unavailable(what + ": cannot configure curl: " + curl_easy_strerror(rc));

  rc = curl_easy_perform(h);
  if (rc != CURLE_OK)
    return unavailable(what + " failed: "
                       + (error_text[0] != '\0' ? std::string{error_text}
                                                : std::string{curl_easy_strerror(rc)}));
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

/// GCS explains refusals as {"error": {"message": ...}}; the explanation,
/// trimmed, or nothing.
std::string explanation(const std::string& body) {
  auto message = http_client::service_message(body);
  return message.empty() ? std::string{} : " (" + printable(message, 200) + ")";
}

bool is_success(long status) {
  return status >= 200 && status < 300;
}

/// Our class of an unexpected HTTP status: retry later, or give up.
caf::error classify(long status, const std::string& body, const std::string& what) {
  auto why = what + " failed: HTTP " + std::to_string(status) + explanation(body);
  if (status == 408 || status == 429 || status >= 500)
    return unavailable(std::move(why));
  return rejected(std::move(why));  // 401, 403, other 4xx, and stray 1xx/3xx
}

std::string bearer(const std::string& token) {
  return "Authorization: Bearer " + token;
}

}  // namespace

gcs_storage::gcs_storage(const config::storage_settings& s, gcs_timeouts timeouts)
  : bucket_(s.gcs_bucket),
    endpoint_(s.gcs_endpoint),
    fixed_token_(s.gcs_token),
    metadata_url_(s.gcs_metadata_url),
    timeouts_(timeouts) {
  init_curl_once();
  while (!endpoint_.empty() && endpoint_.back() == '/')
    endpoint_.pop_back();
}

gcs_storage::~gcs_storage() = default;

caf::expected<std::string> gcs_storage::token() {
  if (!fixed_token_.empty()) {
    if (!header_safe(fixed_token_, false))
      return caf::make_error(errc::bad_input,
                             "key 'storage.gcs-token' holds characters not allowed in a header");
    return fixed_token_;
  }
  std::lock_guard<std::mutex> guard{token_mutex_};
  auto now = std::chrono::steady_clock::now();
  if (!cached_token_.empty() && now < refresh_at_)
    return cached_token_;
  const std::string what = "GCS token request to the metadata server";
  http_request req;
  req.url = metadata_url_;
  req.headers = {"Metadata-Flavor: Google"};
  auto reply = perform(req, timeouts_, what);
  if (!reply)
    return std::move(reply.error());
  if (reply->status != 200)
    return classify(reply->status, {}, what);  // the body is not echoed: keep tokens out
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view access_token;
  if (parser.parse(reply->body.data(), reply->body.size()).get(doc) != simdjson::SUCCESS
      || doc["access_token"].get_string().get(access_token) != simdjson::SUCCESS
      || !header_safe(access_token, false))
    return unavailable(what + " failed: the answer holds no usable access_token");
  int64_t expires_in = 0;
  // Without a lifetime the token is used for this call only.
  if (doc["expires_in"].get_int64().get(expires_in) != simdjson::SUCCESS)
    expires_in = 0;
  cached_token_ = std::string{access_token};
  refresh_at_ = now + std::chrono::seconds{expires_in} - token_refresh_margin;
  return cached_token_;
}

void gcs_storage::drop_token(const std::string& rejected_token) {
  if (!fixed_token_.empty())
    return;
  std::lock_guard<std::mutex> guard{token_mutex_};
  if (cached_token_ == rejected_token)
    cached_token_.clear();
}

caf::error gcs_storage::failure(long status, const std::string& body, const std::string& token,
                                const std::string& what) {
  if (status == 401)
    drop_token(token);  // revoked or expired early: the next call fetches a new one
  return classify(status, body, what);
}

std::string gcs_storage::object_url(const std::string& key) const {
  return endpoint_ + "/storage/v1/b/" + percent_encode(bucket_) + "/o/" + percent_encode(key);
}

caf::expected<void> gcs_storage::put(const std::string& key, std::string_view bytes,
                                     const std::string& content_type) {
  if (!is_valid_key(key))
    return invalid_key(key);
  auto type = content_type.empty() ? std::string{"application/octet-stream"} : content_type;
  if (!header_safe(type, true))
    return caf::make_error(errc::bad_input, "invalid content type '" + printable(type, 80) + "'");
  auto tok = token();
  if (!tok)
    return std::move(tok.error());
  http_request req;
  req.method = "POST";
  req.url = endpoint_ + "/upload/storage/v1/b/" + percent_encode(bucket_)
            + "/o?uploadType=media&name=" + percent_encode(key);
  // "Expect:" stops curl from waiting for a 100 Continue on large bodies.
  req.headers = {bearer(*tok), "Content-Type: " + type, "Expect:"};
  req.body = bytes;
  const auto what = "GCS upload of '" + key + "'";
  auto reply = perform(req, timeouts_, what);
  if (!reply)
    return std::move(reply.error());
  if (is_success(reply->status))
    return caf::unit;
  return failure(reply->status, reply->body, *tok, what);
}

caf::expected<long> gcs_storage::object_call(const char* method, const std::string& url,
                                             const std::string& what, std::string* body) {
  auto tok = token();
  if (!tok)
    return std::move(tok.error());
  http_request req;
  req.method = method;
  req.url = url;
  req.headers = {bearer(*tok)};
  auto reply = perform(req, timeouts_, what);
  if (!reply)
    return std::move(reply.error());
  if (!is_success(reply->status) && reply->status != 404)
    return failure(reply->status, reply->body, *tok, what);
  if (body != nullptr)
    *body = std::move(reply->body);
  return reply->status;
}

caf::expected<std::string> gcs_storage::get(const std::string& key) {
  if (!is_valid_key(key))
    return invalid_key(key);
  std::string body;
  auto status = object_call("GET", object_url(key) + "?alt=media",
                            "GCS download of '" + key + "'", &body);
  if (!status)
    return std::move(status.error());
  if (*status == 404)
    return caf::make_error(errc::not_found, "no GCS object '" + key + "'");
  return body;
}

caf::expected<bool> gcs_storage::exists(const std::string& key) {
  if (!is_valid_key(key))
    return invalid_key(key);
  auto status = object_call("GET", object_url(key), "GCS lookup of '" + key + "'", nullptr);
  if (!status)
    return std::move(status.error());
  return *status != 404;
}

caf::expected<bool> gcs_storage::remove(const std::string& key) {
  if (!is_valid_key(key))
    return invalid_key(key);
  auto status = object_call("DELETE", object_url(key), "GCS delete of '" + key + "'", nullptr);
  if (!status)
    return std::move(status.error());
  return *status != 404;
}

std::string gcs_storage::url_for(const std::string& key) const {
  return "gs://" + bucket_ + "/" + key;
}

}  // namespace khaacho::storage
