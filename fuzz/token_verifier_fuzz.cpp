// libFuzzer target: token_verifier. The first byte picks a mode: the rest of
// the input as a bare token, as an Authorization header, or as header and
// payload JSON (split at the first 0 byte) that this target signs correctly,
// so the claim checks behind the signature get fuzzed too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "adapters/auth/token_verifier.hpp"

namespace {

const std::string secret = "fuzz-secret";

std::string base64url(std::string_view in) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    acc = (acc << 8) | static_cast<uint8_t>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(alphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0)
    out.push_back(alphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

std::string sign(std::string_view header, std::string_view payload) {
  auto input = base64url(header) + "." + base64url(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len) == nullptr)
    std::abort();
  return input + "." + base64url(std::string_view{reinterpret_cast<const char*>(mac), len});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  static const khaacho::auth::token_verifier verifier{secret};
  const auto now = std::chrono::system_clock::time_point{std::chrono::seconds{1'700'000'000}};
  std::string_view rest{reinterpret_cast<const char*>(data) + 1, size - 1};
  caf::expected<khaacho::auth::principal> result{caf::error{}};
  switch (data[0] % 3) {
    case 0:
      result = verifier.verify(rest, now);
      break;
    case 1:
      result = verifier.verify_header(rest, now);
      break;
    default: {
      auto zero = rest.find('\0');
      auto header = zero == std::string_view::npos ? std::string_view{R"({"alg":"HS256"})"} : rest.substr(0, zero);
      auto payload = zero == std::string_view::npos ? rest : rest.substr(zero + 1);
      result = verifier.verify(sign(header, payload), now);
      break;
    }
  }
  if (result) {
    if (result->subject.empty())
      std::abort();
    bool is_retailer = result->role == khaacho::auth::role::retailer;
    if (is_retailer != !result->retailer_id.empty())
      std::abort();
  }
  return 0;
}
