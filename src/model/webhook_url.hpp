// Strict parsing of a webhook URL, at registration and again before every
// send. Pure: names are not resolved here (the sender checks the resolved
// addresses); only what the text itself shows is judged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace khaacho::model {

/// Longest URL accepted.
inline constexpr size_t max_webhook_url_bytes = 2048;

struct webhook_url {
  std::string scheme;      ///< "https", or "http" in insecure mode
  std::string host;        ///< lower-case name, dotted quad, or IPv6 text without brackets
  bool host_is_ip = false;
  int port = 443;          ///< explicit or the scheme's default
  std::string target;      ///< path and query, "/" at least
  std::string normalized;  ///< scheme and host lower-cased, default port dropped
};

/// A parsed URL, or why it is refused (a sentence for the client).
struct webhook_url_check {
  std::optional<webhook_url> url;
  std::string error;
};

/// Accepts `scheme://host[:port][/path][?query]` with: scheme https (http too
/// when `allow_insecure`); no userinfo, fragment, whitespace, control or
/// non-ASCII bytes (IDNs come punycoded); a host that is a DNS name (labels
/// of letters, digits and '-', a dot and a non-numeric top label), a strict
/// dotted quad or a bracketed IPv6 address; a port of 1 to 65535; at most
/// max_webhook_url_bytes. Unless `allow_insecure`, an address literal must be
/// public and names that only mean something locally (localhost, *.local,
/// *.internal, *.home.arpa, *.localhost) are refused.
webhook_url_check parse_webhook_url(std::string_view text, bool allow_insecure);

}  // namespace khaacho::model
