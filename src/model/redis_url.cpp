#include "model/redis_url.hpp"

#include <charconv>

namespace khaacho::model {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]);
      int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

template <class Int>
bool parse_int(const std::string& s, Int& out) {
  if (s.empty())
    return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

std::optional<redis_endpoint> fail(std::string* why, const char* text) {
  if (why != nullptr)
    *why = text;
  return std::nullopt;
}

}  // namespace

std::optional<redis_endpoint> parse_redis_url(const std::string& url, std::string* why) {
  const std::string scheme = "redis://";
  if (url.compare(0, scheme.size(), scheme) != 0)
    return fail(why, "must start with redis://");
  auto rest = url.substr(scheme.size());
  redis_endpoint ep;
  // The last '@' ends the user info: a password may itself contain '@'.
  auto at = rest.rfind('@');
  if (at != std::string::npos) {
    auto info = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = info.find(':');
    if (colon == std::string::npos) {
      ep.password = percent_decode(info);  // redis://secret@host, as redis-cli reads it
    } else {
      ep.user = percent_decode(info.substr(0, colon));
      ep.password = percent_decode(info.substr(colon + 1));
    }
  }
  auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  if (slash != std::string::npos) {
    auto db = rest.substr(slash + 1);
    if (!db.empty() && (!parse_int(db, ep.database) || ep.database < 0))
      return fail(why, "the database after / must be a number");
  }
  std::string port_text;
  if (!hostport.empty() && hostport.front() == '[') {  // [IPv6]:port
    auto close = hostport.find(']');
    if (close == std::string::npos)
      return fail(why, "unclosed [ in the host");
    if (close + 1 < hostport.size()) {
      if (hostport[close + 1] != ':')
        return fail(why, "unexpected text after the host");
      port_text = hostport.substr(close + 2);
      if (port_text.empty())
        return fail(why, "the port must be 1-65535");
    }
    hostport = hostport.substr(1, close - 1);
  } else if (auto colon = hostport.rfind(':'); colon != std::string::npos) {
    port_text = hostport.substr(colon + 1);
    if (port_text.empty())
      return fail(why, "the port must be 1-65535");
    hostport = hostport.substr(0, colon);
  }
  if (!port_text.empty() && (!parse_int(port_text, ep.port) || ep.port < 1 || ep.port > 65535))
    return fail(why, "the port must be 1-65535");
  if (hostport.empty())
    return fail(why, "the host is empty");
  ep.host = hostport;
  return ep;
}

std::string redact_redis_url(const std::string& url) {
  auto start = url.find("://");
  if (start == std::string::npos)
    return url;
  start += 3;
  auto at = url.rfind('@');
  if (at == std::string::npos || at < start)
    return url;
  auto colon = url.find(':', start);
  if (colon == std::string::npos || colon > at)
    return url.substr(0, start) + "***" + url.substr(at);  // the whole user info is the password
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace khaacho::model
