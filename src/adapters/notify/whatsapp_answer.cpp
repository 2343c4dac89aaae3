// Reading WhatsApp Cloud API answers: the message id of a success, the Graph
// error code of a failure, and which failures mean "later". No I/O.
#include "adapters/notify/whatsapp_answer.hpp"

#include <simdjson.h>

namespace khaacho::notify {

namespace {

using http_client::upstream_failure;

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

}  // namespace

int64_t graph_error_code(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  int64_t code = 0;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS
      || doc["error"]["code"].get_int64().get(code) != simdjson::SUCCESS)
    return 0;
  return code;
}

std::string whatsapp_message_id(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view id;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS
      || doc["messages"].at(0)["id"].get_string().get(id) != simdjson::SUCCESS)
    return {};
  return std::string{id};
}

caf::error classify_whatsapp_failure(const http_client::http_reply& reply,
                                     const std::vector<std::string>& secrets) {
  auto code = graph_error_code(reply.body);
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

}  // namespace khaacho::notify
