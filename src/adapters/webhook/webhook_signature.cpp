#include "adapters/webhook/webhook_signature.hpp"

#include "common/hmac.hpp"

namespace khaacho::webhook {

std::string sign(std::string_view secret, int64_t timestamp, std::string_view body) {
  std::string payload = std::to_string(timestamp);
  payload += '.';
  payload.append(body.data(), body.size());
  return "v1=" + hmac_sha256_hex(secret, payload);
}

bool verify(std::string_view secret, std::string_view timestamp, std::string_view body,
            std::string_view header) {
  std::string payload{timestamp};
  payload += '.';
  payload.append(body.data(), body.size());
  return constant_time_equal("v1=" + hmac_sha256_hex(secret, payload), header);
}

}  // namespace khaacho::webhook
