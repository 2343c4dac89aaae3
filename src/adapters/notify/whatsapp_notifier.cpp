// WhatsApp Cloud API template sends: the request, the Graph error codes that
// mean "later" although sent as 400, and the unknown outcomes.
#include "adapters/notify/whatsapp_notifier.hpp"

#include <algorithm>
#include <chrono>

#include <simdjson.h>

#include "common/json_writer.hpp"

namespace khaacho::notify {

namespace {

using http_client::upstream_failure;
using std::chrono::milliseconds;

const std::string what = "whatsapp send";

/// Graph codes of throttling and temporary outages (Meta's error-code table):
/// nothing was sent and the same request may succeed later, though Meta
/// answers most of them with HTTP 400.
bool transient_graph_code(int64_t code) {
  switch (code) {
    case 2:       // API service: temporary downtime or overload
    case 4:       // application request limit reached
    case 80007:   // WhatsApp Business Account rate limit
    case 130429:  // Cloud API throughput reached
    case 131016:  // service unavailable
    case 131048:  // spam rate limit
    case 131056:  // business/consumer pair rate limit
    case 133004:  // server temporarily unavailable
      return true;
    default:
      return false;
  }
}

/// `error.code` of a Graph error body, 0 when there is none.
int64_t graph_code(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  int64_t code = 0;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS
      || doc["error"]["code"].get_int64().get(code) != simdjson::SUCCESS)
    return 0;
  return code;
}

/// `messages[0].id` of a success answer, "" when absent.
std::string message_id(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view id;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS
      || doc["messages"].at(0)["id"].get_string().get(id) != simdjson::SUCCESS)
    return {};
  return std::string{id};
}

caf::error classify(const http_client::http_reply& reply, const std::vector<std::string>& secrets) {
  auto code = graph_code(reply.body);
  auto why = what + " failed: HTTP " + std::to_string(reply.status);
  if (code != 0)
    why += " (Graph error " + std::to_string(code) + ")";
  // As classify_status: explanations of 401/403 may echo parts of the token.
  if (reply.status != 401 && reply.status != 403) {
    auto said = http_client::printable(
      http_client::redact(http_client::service_message(reply.body), secrets), 300);
    if (!said.empty())
      why += ": " + said;
  }
  if (transient_graph_code(code) || reply.status == 408 || reply.status == 429
      || reply.status >= 500)
    return upstream_failure(errc::upstream_unavailable, std::move(why), reply.retry_after);
  return upstream_failure(errc::upstream_rejected, std::move(why));
}

/// Meta refuses parameters holding newlines, tabs or more than four spaces
/// in a row; rendering already avoids them, this keeps any caller safe.
std::string param_text(const std::string& s) {
  std::string out;
  size_t spaces = 0;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t')
      c = ' ';
    spaces = c == ' ' ? spaces + 1 : 0;
    if (spaces <= 1)
      out += c;
  }
  return out;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string whatsapp_to(const std::string& e164) {
  if (e164.empty() || e164.front() != '+')
    return {};
  std::string digits;
  for (size_t i = 1; i < e164.size(); ++i) {
    char c = e164[i];
    if (c >= '0' && c <= '9')
      digits += c;
    else if (c != ' ' && c != '-' && c != '(' && c != ')')
      return {};
  }
  if (digits.size() < 8 || digits.size() > 15 || digits.front() == '0')
    return {};
  return digits;
}

std::string whatsapp_template_body(const std::string& to, const std::string& template_name,
                                   const std::string& language,
                                   const std::vector<std::string>& params,
                                   const std::string& callback_data) {
  std::string lang = json_object{}.add("code", language).str();
  json_object tmpl;
  tmpl.add("name", template_name).add_raw("language", lang);
  if (!params.empty()) {
    std::string list = "[";
    for (const auto& p : params) {
      if (list.size() > 1)
        list += ',';
      list += json_object{}.add("type", "text").add("text", param_text(p)).str();
    }
    list += ']';
    tmpl.add_raw("components",
                 "[" + json_object{}.add("type", "body").add_raw("parameters", list).str() + "]");
  }
  return json_object{}
    .add("messaging_product", "whatsapp")
    .add("recipient_type", "individual")
    .add("to", to)
    .add("type", "template")
    .add_raw("template", tmpl.str())
    .add("biz_opaque_callback_data", callback_data)
    .str();
}

whatsapp_notifier::whatsapp_notifier(const config::notify_settings& s)
  : token_(s.whatsapp_token),
    phone_number_id_(s.whatsapp_phone_number_id),
    template_(s.whatsapp_template),
    language_(s.whatsapp_language),
    client_(http_client::http_timeouts{std::min(s.send_timeout, milliseconds{5000}),
                                       s.send_timeout}) {
  auto base = s.whatsapp_api_base;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  url_ = base + "/" + phone_number_id_ + "/messages";
  if (!token_.empty())
    secrets_ = {token_};
}

caf::expected<send_receipt> whatsapp_notifier::send(const outgoing_message& msg) {
  if (!http_client::header_safe(token_))
    return caf::make_error(errc::bad_input, "key 'notify.whatsapp-token' is empty or holds "
                                            "characters not allowed in a header");
  if (!all_digits(phone_number_id_))
    return caf::make_error(errc::bad_input,
                           "key 'notify.whatsapp-phone-number-id' must be the numeric id");
  auto to = whatsapp_to(msg.recipient);
  if (to.empty())
    return upstream_failure(errc::upstream_rejected,
                            what + " refused: the recipient is not an E.164 phone number ("
                              + http_client::printable(msg.recipient, 40) + ")");

  std::vector<std::string> headers{"Content-Type: application/json", "Accept: application/json",
                                   "Authorization: Bearer " + token_, "Expect:"};
  auto body = whatsapp_template_body(to, template_, language_, msg.template_params,
                                     msg.idempotency_key);
  auto started = std::chrono::steady_clock::now();
  auto reply = client_.post(url_, headers, body, what, secrets_);
  if (!reply) {
    // The client reports every transport failure alike. One that used
    // (about) the whole deadline may have reached Meta after our request went
    // out, so its outcome is unknown; a fast one (refused, DNS) is not. The
    // 10% slack is for curl, whose clock may call time up a hair before ours.
    auto total = client_.timeouts().total;
    if (std::chrono::steady_clock::now() - started >= total - total / 10)
      return upstream_failure(errc::timeout, what + " got no answer within "
                                               + std::to_string(total.count())
                                               + " ms; it may have been delivered");
    return std::move(reply.error());
  }
  if (reply->status < 200 || reply->status >= 300)
    return classify(*reply, secrets_);
  auto id = message_id(reply->body);
  if (id.empty())
    // Meta took the request but did not say so in the usual way: treat it as
    // maybe delivered, so a retry reuses the key instead of a failure hiding a send.
    return upstream_failure(errc::timeout,
                            what + ": HTTP " + std::to_string(reply->status)
                              + " without messages[0].id; the outcome is unknown");
  return send_receipt{std::move(id)};
}

}  // namespace khaacho::notify
