// Reading WhatsApp Cloud API answers, apart from the call so that it can be
// tested and fuzzed without a network.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>

#include "adapters/http/curl_json_client.hpp"

namespace khaacho::notify {

/// `error.code` of a Graph error body, 0 when there is none. Pure; any input.
int64_t graph_error_code(std::string_view body);

/// `messages[0].id` of a success answer, "" when absent. Pure; any input.
std::string whatsapp_message_id(std::string_view body);

/// The error of a non-2xx answer: errc::upstream_unavailable (with the
/// answer's Retry-After) for 408, 429, 5xx and the throttling Graph codes,
/// else errc::upstream_rejected. The body is quoted with `secrets` redacted,
/// except for 401/403.
caf::error classify_whatsapp_failure(const http_client::http_reply& reply,
                                     const std::vector<std::string>& secrets);

}  // namespace khaacho::notify
