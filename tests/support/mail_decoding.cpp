// Decoders for the mail tests, written from RFC 2045 and 2047.
#include "support/mail_decoding.hpp"

#include <cctype>

namespace khaacho::test {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string header_of(const std::string& message, std::string_view name) {
  auto end = message.find("\r\n\r\n");
  std::string_view head{message.data(), end == std::string::npos ? message.size() : end + 2};
  size_t at = 0;
  while (at < head.size()) {
    auto eol = head.find("\r\n", at);
    if (eol == std::string_view::npos)
      break;
    auto line = head.substr(at, eol - at);
    at = eol + 2;
    auto colon = line.find(':');
    if (colon == std::string_view::npos || !iequals(line.substr(0, colon), name))
      continue;
    std::string value{line.substr(colon + 1)};
    // Continuation lines start with a blank; unfolding removes the CRLF only.
    while (at < head.size() && (head[at] == ' ' || head[at] == '\t')) {
      eol = head.find("\r\n", at);
      value += head.substr(at, eol - at);
      at = eol + 2;
    }
    while (!value.empty() && value.front() == ' ')
      value.erase(0, 1);
    return value;
  }
  return {};
}

std::string body_of(const std::string& message) {
  auto end = message.find("\r\n\r\n");
  return end == std::string::npos ? std::string{} : message.substr(end + 4);
}

std::string decode_base64(std::string_view text) {
  static const std::string alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    auto v = alphabet.find(c);
    if (v == std::string::npos)
      continue;  // padding and whitespace
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::string decode_encoded_words(const std::string& value) {
  std::string out;
  size_t at = 0;
  bool last_was_word = false;
  while (at < value.size()) {
    auto start = value.find("=?", at);
    auto gap = value.substr(at, start == std::string::npos ? std::string::npos : start - at);
    bool blank_gap = gap.find_first_not_of(" \t\r\n") == std::string::npos;
    if (start == std::string::npos) {
      out += gap;
      break;
    }
    if (!(last_was_word && blank_gap))
      out += gap;
    // =?charset?B?text?=
    auto q1 = value.find('?', start + 2);
    auto q2 = value.find('?', q1 + 1);
    auto end = value.find("?=", q2 + 1);
    if (q1 == std::string::npos || q2 == std::string::npos || end == std::string::npos) {
      out += value.substr(start);
      break;
    }
    out += decode_base64(std::string_view{value}.substr(q2 + 1, end - q2 - 1));
    at = end + 2;
    last_was_word = true;
  }
  return out;
}

std::string decode_quoted_printable(const std::string& body) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '=') {
      out += body[i];
      continue;
    }
    if (body.compare(i + 1, 2, "\r\n") == 0) {
      i += 2;  // soft line break
      continue;
    }
    if (i + 2 < body.size() && hex_value(body[i + 1]) >= 0 && hex_value(body[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(body[i + 1]) * 16 + hex_value(body[i + 2]));
      i += 2;
      continue;
    }
    out += '=';
  }
  return out;
}

}  // namespace khaacho::test
