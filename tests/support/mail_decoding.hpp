// Reading RFC 5322 messages back in tests: headers (unfolded, RFC 2047
// decoded) and quoted-printable bodies.
#pragma once

#include <string>
#include <string_view>

namespace khaacho::test {

/// The value of header `name` (case-insensitive), unfolded, as written; ""
/// when absent. `message` uses CRLF line ends.
std::string header_of(const std::string& message, std::string_view name);

/// Everything after the blank line that ends the headers.
std::string body_of(const std::string& message);

/// A header value with its =?UTF-8?B?...?= words decoded (whitespace
/// between adjacent encoded words dropped, as RFC 2047 6.2 says).
std::string decode_encoded_words(const std::string& value);

/// A quoted-printable body decoded; soft breaks removed, CRLF kept.
std::string decode_quoted_printable(const std::string& body);

std::string decode_base64(std::string_view text);

}  // namespace khaacho::test
