// The RFC 5322 text of one RFQ e-mail: headers (RFC 2047 subject), a UTF-8
// plain-text body in a transfer encoding any SMTP server accepts, CRLF lines.
// Pure: the date comes in as an argument.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace khaacho::notify {

struct mail_fields {
  std::string from;        ///< bare address
  std::string to;          ///< bare address
  std::string subject;     ///< UTF-8, one line (CR/LF become spaces)
  std::string message_id;  ///< with angle brackets: "<key@khaacho>"
  std::string date;        ///< as rfc5322_date() writes it
  std::string text;        ///< UTF-8 body, '\n' or "\r\n" line ends
};

/// The whole message, CRLF line ends, ready for SMTP DATA (dot-stuffing is
/// the transport's job). An ASCII body with short lines goes as 7bit, any
/// other as quoted-printable.
std::string render_mail(const mail_fields& m);

/// "Thu, 01 Jan 2026 10:00:00 +0000" for `unix_seconds`, in UTC; English
/// names whatever the locale.
std::string rfc5322_date(int64_t unix_seconds);

/// `subject` as is when it is printable ASCII, else as RFC 2047 "B"
/// encoded-words of at most 64 characters (so "Subject: " and the first fit
/// in 76) that never split a UTF-8 character, folded onto continuation lines.
std::string encode_header_text(std::string_view subject);

/// RFC 2045 quoted-printable of `text` with CRLF line ends, soft breaks
/// keeping lines within 76 characters.
std::string quoted_printable(std::string_view text);

/// True for a plain address "local@domain": one '@', both sides non-empty,
/// printable ASCII without spaces, '<', '>', ',' or ';' (nothing that could
/// open a second header or recipient).
bool plain_mail_address(std::string_view address);

}  // namespace khaacho::notify
