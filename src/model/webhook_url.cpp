// Webhook URL rules: a narrow subset of RFC 3986 that curl and every
// receiver read the same way, so the host we judge is the host we reach.
#include "model/webhook_url.hpp"

#include <algorithm>

#include "model/ip_address_class.hpp"

namespace khaacho::model {

namespace {

webhook_url_check refuse(std::string why) {
  return {std::nullopt, std::move(why)};
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::string lower(std::string_view s) {
  std::string out{s};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Characters RFC 3986 allows in a path or query, '%' checked separately.
bool target_char(char c) {
  if (is_alpha(c) || is_digit(c))
    return true;
  switch (c) {
    case '-': case '.': case '_': case '~':                        // unreserved
    case '!': case '$': case '&': case '\'': case '(': case ')':   // sub-delims
    case '*': case '+': case ',': case ';': case '=':
    case ':': case '@': case '/': case '?':
      return true;
    default:
      return false;
  }
}

/// Empty when `host` is an acceptable DNS name, else why not.
std::string check_dns_name(const std::string& host) {
  if (host.size() > 253)
    return "the host name is longer than 253 characters";
  size_t start = 0;
  std::string last;
  for (;;) {
    auto dot = host.find('.', start);
    auto label = host.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (label.empty() || label.size() > 63)
      return "the host name has an empty label or one longer than 63 characters";
    if (label.front() == '-' || label.back() == '-')
      return "a host name label may not begin or end with '-'";
    for (char c : label)
      if (!is_alpha(c) && !is_digit(c) && c != '-')
        return "the host name may hold only letters, digits, '-' and '.'";
    last = label;
    if (dot == std::string::npos)
      break;
    start = dot + 1;
  }
  // A numeric top label would make "127.1" or "1.2.3.0x4" a name that
  // resolvers read as an address.
  if (std::all_of(last.begin(), last.end(), [](char c) { return is_digit(c); }))
    return "the host is neither a dotted-quad address nor a name";
  return {};
}

bool local_only_name(const std::string& host) {
  if (host.find('.') == std::string::npos)
    return true;  // single labels resolve through search domains, i.e. internally
  for (const char* suffix : {".localhost", ".local", ".internal", ".home.arpa", ".localdomain"})
    if (ends_with(host, suffix))
      return true;
  return false;
}

}  // namespace

webhook_url_check parse_webhook_url(std::string_view text, bool allow_insecure) {
  if (text.empty())
    return refuse("url must not be empty");
  if (text.size() > max_webhook_url_bytes)
    return refuse("url is longer than " + std::to_string(max_webhook_url_bytes) + " bytes");
  for (unsigned char c : text)
    if (c <= 0x20 || c >= 0x7f || c == '\\')
      return refuse("url may hold only visible ASCII characters (no spaces, no backslash;"
                    " international names punycoded)");
  auto sep = text.find("://");
  if (sep == std::string_view::npos)
    return refuse("url must be absolute: https://host/path");
  webhook_url u;
  u.scheme = lower(text.substr(0, sep));
  if (u.scheme != "https" && !(allow_insecure && u.scheme == "http"))
    return refuse(allow_insecure ? "url must use http or https" : "url must use https");
  auto rest = text.substr(sep + 3);
  if (rest.find('#') != std::string_view::npos)
    return refuse("url may not have a fragment");
  auto authority_end = rest.find_first_of("/?");
  auto authority = rest.substr(0, authority_end);
  u.target = authority_end == std::string_view::npos ? "/" : std::string{rest.substr(authority_end)};
  if (u.target.front() == '?')
    u.target.insert(u.target.begin(), '/');
  if (authority.find('@') != std::string_view::npos)
    return refuse("url may not carry a user name or password");
  if (authority.empty())
    return refuse("url has no host");

  std::string_view host_text, port_text;
  bool has_port = false;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return refuse("url has an unclosed '[' in its host");
    host_text = authority.substr(1, close - 1);
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return refuse("url has text after its IPv6 host");
      port_text = after.substr(1);
      has_port = true;
    }
    auto ip = parse_ip(host_text);
    if (!ip || !ip->v6)
      return refuse("url has an invalid IPv6 address (zones are not accepted)");
    u.host = to_string(*ip);
    u.host_is_ip = true;
  } else {
    auto colon = authority.find(':');
    host_text = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      has_port = true;
    }
    if (host_text.empty())
      return refuse("url has no host");
    u.host = lower(host_text);
    if (auto ip = parse_ip(u.host)) {
      u.host_is_ip = true;
    } else if (auto why = check_dns_name(u.host); !why.empty()) {
      return refuse("url: " + why);
    }
  }

  u.port = u.scheme == "https" ? 443 : 80;
  if (has_port) {
    if (port_text.empty() || port_text.size() > 5
        || !std::all_of(port_text.begin(), port_text.end(), is_digit))
      return refuse("url port must be a number from 1 to 65535");
    int port = std::stoi(std::string{port_text});
    if (port < 1 || port > 65535)
      return refuse("url port must be a number from 1 to 65535");
    u.port = port;
  }

  for (size_t i = 0; i < u.target.size(); ++i) {
    char c = u.target[i];
    if (c == '%') {
      if (i + 2 >= u.target.size() || !is_hex(u.target[i + 1]) || !is_hex(u.target[i + 2]))
        return refuse("url has a '%' that is not followed by two hex digits");
      continue;
    }
    if (!target_char(c))
      return refuse(std::string{"url path or query holds a character that must be"
                                " percent-encoded: '"} + c + "'");
  }

  if (!allow_insecure) {
    if (u.host_is_ip) {
      auto cls = classify(*parse_ip(u.host));
      if (!webhook_may_connect(cls, false))
        return refuse("url must point to a public address, not a " + to_string(cls) + " one");
    } else if (local_only_name(u.host)) {
      return refuse("url host must be a public DNS name");
    }
  }

  bool default_port = u.port == (u.scheme == "https" ? 443 : 80);
  auto host_part = u.host_is_ip && u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  u.normalized = u.scheme + "://" + host_part + (default_port ? "" : ":" + std::to_string(u.port))
                 + u.target;
  return {std::move(u), {}};
}

}  // namespace khaacho::model
