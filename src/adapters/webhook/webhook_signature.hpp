// The signature of a webhook POST (API.md "Webhooks"): Khaacho-Signature is
// "v1=" + hex HMAC-SHA256 of "<Khaacho-Timestamp>.<body>" under the
// webhook's secret. Receivers recompute it over the raw body bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace khaacho::webhook {

inline constexpr const char* timestamp_header = "Khaacho-Timestamp";  ///< Unix seconds
inline constexpr const char* signature_header = "Khaacho-Signature";  ///< v1=<hex>
inline constexpr const char* delivery_header = "Khaacho-Delivery";    ///< delivery UUID, same on every retry
inline constexpr const char* event_header = "Khaacho-Event";          ///< "order.status_changed"

/// "v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>".
std::string sign(std::string_view secret, int64_t timestamp, std::string_view body);

/// True when `header` (a Khaacho-Signature value) holds a v1 signature of
/// `timestamp` and `body` under `secret`; compared in constant time.
bool verify(std::string_view secret, std::string_view timestamp, std::string_view body,
            std::string_view header);

}  // namespace khaacho::webhook
