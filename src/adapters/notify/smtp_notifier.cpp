// One SMTP session per RFQ e-mail through libcurl, and the mapping of SMTP
// replies and transport failures onto rejected / unavailable / unknown.
#include "adapters/notify/smtp_notifier.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <mutex>

#include <curl/curl.h>
#include <sys/socket.h>

#include "adapters/http/curl_json_client.hpp"
#include "adapters/notify/mail_message.hpp"

namespace khaacho::notify {

namespace {

using http_client::upstream_failure;
using std::chrono::milliseconds;

const std::string what = "smtp send";

void init_curl_once() {
  static std::once_flag once;
  // Not thread-safe itself, and must run before any thread uses curl.
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

/// The message as curl reads it. Once curl has taken all of it, the server
/// may accept it whatever happens next.
struct upload {
  std::string data;
  size_t offset = 0;
  bool finished() const { return offset == data.size(); }
};

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto* u = static_cast<upload*>(user);
  auto n = std::min(size * count, u->data.size() - u->offset);
  std::memcpy(buffer, u->data.data() + u->offset, n);
  u->offset += n;
  return n;
}

struct slist_deleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

bool id_safe(const std::string& key) {
  return !key.empty() && key.size() <= 128
         && std::all_of(key.begin(), key.end(), [](char c) {
              return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                     || c == '-' || c == '.' || c == '_';
            });
}

/// Turns what curl ended with into our error. `reply` is the last SMTP reply
/// code (0 if none); SMTP says 5xx is permanent and 4xx is "try later",
/// whichever command it answered.
caf::error classify(CURLcode rc, long reply, bool finished, const std::string& detail,
                    milliseconds total) {
  if (reply >= 500 && reply < 600)
    return upstream_failure(errc::upstream_rejected,
                            what + " refused: SMTP " + std::to_string(reply) + " (" + detail + ")");
  if (reply >= 400 && reply < 500)
    return upstream_failure(errc::upstream_unavailable, what + " deferred: SMTP "
                                                          + std::to_string(reply) + " (" + detail
                                                          + ")");
  // The whole message was handed over and the verdict never came: the
  // server may have queued it.
  if (finished)
    return upstream_failure(errc::timeout,
                            what + (rc == CURLE_OPERATION_TIMEDOUT
                                      ? " got no verdict within " + std::to_string(total.count())
                                          + " ms"
                                      : " lost the connection awaiting the verdict")
                              + " after the message was sent; it may have been delivered ("
                              + detail + ")");
  return upstream_failure(errc::upstream_unavailable, what + " failed: " + detail);
}

}  // namespace

void smtp_notifier::handle_deleter::operator()(void* h) const noexcept {
  curl_easy_cleanup(static_cast<CURL*>(h));
}

smtp_notifier::smtp_notifier(const config::notify_settings& s) : settings_(s) {
  init_curl_once();
  handle_.reset(curl_easy_init());
}

smtp_notifier::~smtp_notifier() = default;

caf::expected<send_receipt> smtp_notifier::send(const outgoing_message& msg) {
  const auto& s = settings_;
  std::vector<std::string> secrets;
  if (!s.smtp_password.empty())
    secrets.push_back(s.smtp_password);
  if (!plain_mail_address(msg.recipient))
    return upstream_failure(errc::upstream_rejected,
                            what + " refused: the recipient is not one plain e-mail address ("
                              + http_client::printable(http_client::redact(msg.recipient, secrets),
                                                       80)
                              + ")");
  if (!plain_mail_address(s.email_from))
    return caf::make_error(errc::bad_input,
                           "key 'notify.email-from' must be one plain e-mail address");
  if (!id_safe(msg.idempotency_key))
    return caf::make_error(errc::bad_input,
                           "the idempotency key cannot form a Message-ID ("
                             + http_client::printable(msg.idempotency_key, 40) + ")");

  auto message_id = "<" + msg.idempotency_key + "@khaacho>";
  upload body;
  body.data = render_mail({s.email_from, msg.recipient, msg.subject, message_id,
                           rfc5322_date(static_cast<int64_t>(std::time(nullptr))), msg.text});

  if (!handle_)
    handle_.reset(curl_easy_init());
  if (!handle_)
    return upstream_failure(errc::upstream_unavailable, what + ": cannot create a curl handle");
  auto* h = static_cast<CURL*>(handle_.get());
  curl_easy_reset(h);  // keeps the connection cache, drops the last send's options

  std::unique_ptr<curl_slist, slist_deleter> rcpt{
    curl_slist_append(nullptr, ("<" + msg.recipient + ">").c_str())};
  if (!rcpt)
    return upstream_failure(errc::upstream_unavailable, what + ": out of memory");
  auto from = "<" + s.email_from + ">";
  auto connect = std::min(s.send_timeout, milliseconds{5000});

  char error_text[CURL_ERROR_SIZE] = {0};
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption opt, auto value) {
    if (rc == CURLE_OK)
      rc = curl_easy_setopt(h, opt, value);
  };
  auto url = s.smtp_url;
  // "implicit" means TLS from the first byte, which curl does for smtps:// only.
  if (s.smtp_tls == "implicit" && url.rfind("smtp://", 0) == 0)
    url.insert(4, "s");
  set(CURLOPT_URL, url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  set(CURLOPT_NOSIGNAL, 1L);  // timeouts must not use SIGALRM in a threaded process
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect.count()));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(s.send_timeout.count()));
  // "starttls" must not fall back to clear text; smtps:// is TLS from the start.
  set(CURLOPT_USE_SSL, s.smtp_tls == "none" ? static_cast<long>(CURLUSESSL_NONE)
                                            : static_cast<long>(CURLUSESSL_ALL));
  if (!s.smtp_user.empty()) {
    set(CURLOPT_USERNAME, s.smtp_user.c_str());
    set(CURLOPT_PASSWORD, s.smtp_password.c_str());
  }
  set(CURLOPT_MAIL_FROM, from.c_str());
  set(CURLOPT_MAIL_RCPT, rcpt.get());
  set(CURLOPT_UPLOAD, 1L);
  set(CURLOPT_READFUNCTION, &on_read);
  set(CURLOPT_READDATA, static_cast<void*>(&body));
  set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body.data.size()));
  set(CURLOPT_ERRORBUFFER, error_text);
  // Bounds the wait for QUIT's answer when a kept connection is closed.
  set(CURLOPT_SERVER_RESPONSE_TIMEOUT,
      static_cast<long>(std::max<int64_t>(1, (s.send_timeout.count() + 999) / 1000)));
  if (rc != CURLE_OK)
    return upstream_failure(errc::upstream_unavailable,
                            what + ": cannot configure curl: " + curl_easy_strerror(rc));

  rc = curl_easy_perform(h);
  if (rc == CURLE_OK)
    return send_receipt{message_id};
  long reply = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
  // curl keeps even a failed session for reuse: the next send would read
  // this one's late verdict as the answer to its MAIL, and closing it would
  // send QUIT and wait for an answer. Cutting the socket makes curl see the
  // connection as dead and drop it without a word.
  curl_socket_t sock = CURL_SOCKET_BAD;
  if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &sock) == CURLE_OK && sock != CURL_SOCKET_BAD)
    ::shutdown(sock, SHUT_RDWR);
  auto detail = http_client::printable(
    http_client::redact(error_text[0] != '\0' ? error_text : curl_easy_strerror(rc), secrets), 200);
  return classify(rc, reply, body.finished(), detail, s.send_timeout);
}

}  // namespace khaacho::notify
