// Builds RFQ e-mails as RFC 5322 text: header encoding, quoted-printable and
// the date, without a mail library.
#include "adapters/notify/mail_message.hpp"

#include <cstdio>
#include <ctime>

namespace khaacho::notify {

namespace {

constexpr char hex_digits[] = "0123456789ABCDEF";

/// Body lines as they come, without their '\n' or "\r\n".
template <class F>
void for_each_line(std::string_view text, F f) {
  while (!text.empty()) {
    auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    f(line);
    if (nl == std::string_view::npos)
      break;
    text.remove_prefix(nl + 1);
  }
}

/// RFC 5322 asks for at most 998 octets a line; 7bit also means ASCII.
bool fits_7bit(std::string_view text) {
  bool fits = true;
  for_each_line(text, [&](std::string_view line) {
    if (line.size() > 998)
      fits = false;
    for (char c : line)
      if (static_cast<unsigned char>(c) >= 0x80 || c == '\0' || c == '\r')
        fits = false;
  });
  return fits;
}

std::string crlf_lines(std::string_view text) {
  std::string out;
  for_each_line(text, [&](std::string_view line) {
    out.append(line);
    out += "\r\n";
  });
  return out;
}

std::string base64(std::string_view bytes) {
  static constexpr char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

/// Bytes in the UTF-8 character starting with `lead` (1 for stray bytes).
size_t utf8_length(unsigned char lead) {
  if (lead >= 0xF0)
    return 4;
  if (lead >= 0xE0)
    return 3;
  if (lead >= 0xC0)
    return 2;
  return 1;
}

}  // namespace

std::string encode_header_text(std::string_view subject) {
  std::string flat;
  for (char c : subject)
    flat += (c == '\r' || c == '\n' || c == '\t') ? ' ' : c;
  bool plain = flat.size() <= 900 && flat.find("=?") == std::string::npos;
  for (char c : flat)
    plain = plain && c >= 0x20 && c < 0x7f;
  if (plain)
    return flat;
  // 39 bytes make 52 base64 characters, a word of 64: with "Subject: " in
  // front the first line stays within RFC 2047's 76.
  constexpr size_t max_chunk = 39;
  std::string out;
  size_t at = 0;
  while (at < flat.size()) {
    size_t end = at;
    while (end < flat.size()) {
      auto n = utf8_length(static_cast<unsigned char>(flat[end]));
      if (end + n - at > max_chunk)
        break;
      end += n;
    }
    if (end == at)  // a truncated character at the very end
      end = flat.size();
    if (!out.empty())
      out += "\r\n ";
    out += "=?UTF-8?B?" + base64(std::string_view{flat}.substr(at, end - at)) + "?=";
    at = end;
  }
  return out;
}

std::string quoted_printable(std::string_view text) {
  std::string out;
  for_each_line(text, [&](std::string_view line) {
    size_t width = 0;
    auto put = [&](std::string_view piece) {
      // A soft break ("=" at the end) keeps every line within 76 characters.
      if (width + piece.size() > 75) {
        out += "=\r\n";
        width = 0;
      }
      out.append(piece);
      width += piece.size();
    };
    for (size_t i = 0; i < line.size(); ++i) {
      auto c = static_cast<unsigned char>(line[i]);
      bool last = i + 1 == line.size();
      // Trailing blanks would be stripped in transit, so they are encoded.
      bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
      if (literal) {
        put(std::string_view{line.data() + i, 1});
      } else {
        char enc[3] = {'=', hex_digits[c >> 4], hex_digits[c & 15]};
        put(std::string_view{enc, 3});
      }
    }
    out += "\r\n";
  });
  return out;
}

std::string rfc5322_date(int64_t unix_seconds) {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
                tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

bool plain_mail_address(std::string_view address) {
  auto at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()
      || address.find('@', at + 1) != std::string_view::npos || address.size() > 254)
    return false;
  for (char c : address)
    if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"'
        || c == '(' || c == ')' || c == '\\')
      return false;
  return true;
}

std::string render_mail(const mail_fields& m) {
  bool seven_bit = fits_7bit(m.text);
  std::string out;
  out += "Date: " + m.date + "\r\n";
  out += "From: " + m.from + "\r\n";
  out += "To: " + m.to + "\r\n";
  out += "Subject: " + encode_header_text(m.subject) + "\r\n";
  out += "Message-ID: " + m.message_id + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += std::string{"Content-Transfer-Encoding: "}
         + (seven_bit ? "7bit" : "quoted-printable") + "\r\n";
  out += "\r\n";
  out += seven_bit ? crlf_lines(m.text) : quoted_printable(m.text);
  return out;
}

}  // namespace khaacho::notify
