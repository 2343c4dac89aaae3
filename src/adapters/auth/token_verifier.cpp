// HS256 bearer token verification. The token's shape and its header's `alg`
// are checked here before libjwt sees the token (so libjwt's own handling of
// "none" or asymmetric algorithms never matters); libjwt checks the
// signature; the claims are read with simdjson from the verified payload.
#include "adapters/auth/token_verifier.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <utility>

#include <jwt.h>
#include <simdjson.h>

#include "common/errc.hpp"
#include "model/uuid.hpp"

namespace khaacho::auth {

namespace {

constexpr size_t max_token_bytes = 8 * 1024;
constexpr std::chrono::seconds max_leeway{86400};
// 32 bytes of HMAC-SHA256 in unpadded base64url.
constexpr size_t hs256_signature_chars = 43;

caf::error unauthorized(const char* why) {
  return caf::make_error(errc::unauthorized, why);
}

int base64url_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

// Unpadded base64url (RFC 7515, 2), strictly: no '=', no other alphabet, no
// length that leaves a lone character.
std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1)
    return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = base64url_value(c);
    if (v < 0)
      return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xffu));
    }
  }
  return out;
}

bool is_base64url(std::string_view text) noexcept {
  for (char c : text)
    if (base64url_value(c) < 0)
      return false;
  return true;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y)
      return false;
  }
  return true;
}

// Decodes a base64url JSON object segment into `obj`. `parser` owns the
// document afterwards.
bool decode_object(std::string_view segment, simdjson::dom::parser& parser,
                   simdjson::dom::object& obj) {
  auto json = base64url_decode(segment);
  if (!json)
    return false;
  simdjson::dom::element doc;
  if (parser.parse(json->data(), json->size()).get(doc) != simdjson::SUCCESS)
    return false;
  return doc.get(obj) == simdjson::SUCCESS;
}

// The header must name HS256, once. A repeated `alg` could be read one way
// here and another way by libjwt's JSON parser, so it is refused.
bool header_is_hs256(const simdjson::dom::object& header) {
  int algs = 0;
  bool hs256 = false;
  for (auto field : header) {
    if (field.key != "alg")
      continue;
    ++algs;
    std::string_view alg;
    hs256 = field.value.get_string().get(alg) == simdjson::SUCCESS && alg == "HS256";
  }
  return algs == 1 && hs256;
}

struct claims {
  std::optional<int64_t> exp;
  std::optional<int64_t> nbf;
  std::optional<int64_t> iat;
  std::optional<std::string_view> sub;
  std::optional<std::string_view> role;
  std::optional<std::string_view> retailer_id;
};

// Reads the claims we use; false when one of them has the wrong type or
// appears twice (ambiguous).
bool read_claims(const simdjson::dom::object& payload, claims& out) {
  auto read_int = [](simdjson::dom::element v, std::optional<int64_t>& slot) {
    int64_t x = 0;
    if (slot || v.get_int64().get(x) != simdjson::SUCCESS)
      return false;
    slot = x;
    return true;
  };
  auto read_string = [](simdjson::dom::element v, std::optional<std::string_view>& slot) {
    std::string_view x;
    if (slot || v.get_string().get(x) != simdjson::SUCCESS)
      return false;
    slot = x;
    return true;
  };
  for (auto field : payload) {
    bool ok = true;
    if (field.key == "exp")
      ok = read_int(field.value, out.exp);
    else if (field.key == "nbf")
      ok = read_int(field.value, out.nbf);
    else if (field.key == "iat")
      ok = read_int(field.value, out.iat);
    else if (field.key == "sub")
      ok = read_string(field.value, out.sub);
    else if (field.key == "role")
      ok = read_string(field.value, out.role);
    else if (field.key == "retailerId")
      ok = read_string(field.value, out.retailer_id);
    if (!ok)
      return false;
  }
  return true;
}

// libjwt's verdict on the signature (HMAC-SHA256 of "header.payload").
bool signature_valid(const std::string& token, const std::string& secret) {
  jwt_t* raw = nullptr;
  int rc = jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(secret.data()),
                      static_cast<int>(secret.size()));
  std::unique_ptr<jwt_t, decltype(&jwt_free)> decoded{raw, &jwt_free};
  return rc == 0 && decoded != nullptr && jwt_get_alg(decoded.get()) == JWT_ALG_HS256;
}

}  // namespace

std::string to_string(role r) {
  switch (r) {
    case role::retailer:
      return "retailer";
    case role::operator_:
      return "operator";
    case role::admin:
      return "admin";
  }
  return "unknown";
}

token_verifier::token_verifier(std::string secret, std::chrono::seconds leeway)
  : secret_(std::move(secret)),
    // Clamped so that now +- leeway cannot overflow; a day is already absurd.
    leeway_(std::clamp(leeway, std::chrono::seconds{0}, max_leeway)) {
}

caf::expected<principal>
token_verifier::verify_header(std::string_view authorization,
                              std::chrono::system_clock::time_point now) const {
  constexpr std::string_view scheme = "bearer";
  if (authorization.size() <= scheme.size() ||
      !iequals(authorization.substr(0, scheme.size()), scheme) ||
      authorization[scheme.size()] != ' ')
    return unauthorized("missing bearer token");
  auto token = authorization.substr(scheme.size());
  while (!token.empty() && token.front() == ' ')
    token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t'))
    token.remove_suffix(1);
  if (token.empty())
    return unauthorized("missing bearer token");
  return verify(token, now);
}

caf::expected<principal> token_verifier::verify(std::string_view token,
                                                std::chrono::system_clock::time_point now) const {
  if (token.empty())
    return unauthorized("missing bearer token");
  if (token.size() > max_token_bytes)
    return unauthorized("token too long");
  // An empty secret would make every signature forgeable.
  if (secret_.empty())
    return unauthorized("token verification is not configured");
  // Exactly three non-empty base64url segments: header.payload.signature.
  auto first_dot = token.find('.');
  auto second_dot = first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos)
    return unauthorized("malformed token");
  auto header_part = token.substr(0, first_dot);
  auto payload_part = token.substr(first_dot + 1, second_dot - first_dot - 1);
  auto signature_part = token.substr(second_dot + 1);
  if (header_part.empty() || payload_part.empty() || !is_base64url(header_part) ||
      !is_base64url(payload_part) || !is_base64url(signature_part))
    return unauthorized("malformed token");
  simdjson::dom::parser header_parser;
  simdjson::dom::object header;
  if (!decode_object(header_part, header_parser, header))
    return unauthorized("malformed token");
  if (!header_is_hs256(header))
    return unauthorized("unsupported token algorithm");
  if (signature_part.size() != hs256_signature_chars)
    return unauthorized("invalid token signature");
  simdjson::dom::parser payload_parser;
  simdjson::dom::object payload;
  if (!decode_object(payload_part, payload_parser, payload))
    return unauthorized("malformed token");
  // Claim types are checked before the signature: a number libjwt's JSON
  // parser cannot hold (exp = 2^64 - 1) would otherwise read as a bad
  // signature. Nothing read here is trusted until the signature is checked.
  claims c;
  if (!read_claims(payload, c))
    return unauthorized("invalid token claims");
  if (!signature_valid(std::string{token}, secret_))
    return unauthorized("invalid token signature");
  auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  auto leeway = leeway_.count();
  if (!c.exp)
    return unauthorized("token has no expiry");
  // Claims are only compared, never added to: now_s is within +-2^34 (a
  // nanosecond clock) and the leeway is clamped, so nothing overflows.
  if (*c.exp <= now_s - leeway)
    return unauthorized("token expired");
  if (c.nbf && *c.nbf > now_s + leeway)
    return unauthorized("token not yet valid");
  if (c.iat && *c.iat > now_s + leeway)
    return unauthorized("token issued in the future");
  if (!c.sub || c.sub->empty())
    return unauthorized("token has no subject");
  principal who;
  who.subject = std::string{*c.sub};
  if (!c.role)
    return unauthorized("token has no valid role");
  if (*c.role == "retailer")
    who.role = role::retailer;
  else if (*c.role == "operator")
    who.role = role::operator_;
  else if (*c.role == "admin")
    who.role = role::admin;
  else
    return unauthorized("token has no valid role");
  if (who.role == role::retailer) {
    if (!c.retailer_id || !model::is_uuid(*c.retailer_id))
      return unauthorized("retailer token without a valid retailerId");
    who.retailer_id = model::lowercase_uuid(*c.retailer_id);
  }
  return who;
}

}  // namespace khaacho::auth
