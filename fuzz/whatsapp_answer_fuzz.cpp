// libFuzzer target: WhatsApp Cloud API answers: the message id of a success,
// the Graph error code and the classification of a failure. The first byte
// picks the HTTP status; an error never quotes the token.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/message.hpp>

#include "adapters/notify/whatsapp_answer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  static const std::vector<std::string> secrets{"EAAGFUZZTOKEN0123456789"};
  static constexpr long statuses[] = {400, 401, 403, 404, 408, 429, 500, 503};
  khaacho::http_client::http_reply reply;
  reply.status = statuses[data[0] % 8];
  reply.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace khaacho::notify;
  (void) graph_error_code(reply.body);
  (void) whatsapp_message_id(reply.body);
  auto err = classify_whatsapp_failure(reply, secrets);
  if (!err || caf::to_string(err.context()).find(secrets[0]) != std::string::npos)
    std::abort();
  return 0;
}
