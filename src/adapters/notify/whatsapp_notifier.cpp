// WhatsApp Cloud API template sends: the request, the Graph error codes that
// mean "later" although sent as 400, and the unknown outcomes.
#include "adapters/notify/whatsapp_notifier.hpp"

#include <algorithm>
#include <chrono>

#include "adapters/notify/whatsapp_answer.hpp"
#include "common/json_writer.hpp"

namespace khaacho::notify {

namespace {

using http_client::upstream_failure;
using std::chrono::milliseconds;

const std::string what = "whatsapp send";

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
    return classify_whatsapp_failure(*reply, secrets_);
  auto id = whatsapp_message_id(reply->body);
  if (id.empty())
    // Meta took the request but did not say so in the usual way: treat it as
    // maybe delivered, so a retry reuses the key instead of a failure hiding a send.
    return upstream_failure(errc::timeout,
                            what + ": HTTP " + std::to_string(reply->status)
                              + " without messages[0].id; the outcome is unknown");
  return send_receipt{std::move(id)};
}

}  // namespace khaacho::notify
