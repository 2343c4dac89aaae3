// `khaacho token --role R [--retailer ID] [--ttl S] [--subject SUB]`.
#include <iostream>

#include "adapters/auth/token_signer.hpp"
#include "app/commands.hpp"
#include "config/config_value.hpp"
#include "common/errc.hpp"

namespace khaacho::app {

int run_token(const command_line& cl, const config::settings& s) {
  auto opt = [&](const char* name) {
    auto i = cl.options.find(name);
    return i == cl.options.end() ? std::string{} : i->second;
  };
  if (s.auth.jwt_secret.empty()) {
    std::cerr << "khaacho token: key 'auth.jwt-secret' is not set (set JWT_SECRET)\n";
    return 2;
  }
  auth::token_claims claims;
  claims.role = opt("role");
  claims.retailer_id = opt("retailer");
  claims.subject = opt("subject");
  if (auto ttl = opt("ttl"); !ttl.empty()) {
    auto parsed = config::parse_text(config::value_kind::integer, ttl);
    if (!parsed.value) {
      std::cerr << "khaacho token: --ttl: seconds as an integer, got \"" << ttl << "\"\n";
      return 2;
    }
    claims.ttl = std::chrono::seconds{std::get<int64_t>(*parsed.value)};
  }
  auto token = auth::sign_token(claims, s.auth.jwt_secret, std::chrono::system_clock::now());
  if (!token) {
    std::cerr << "khaacho token: " << describe(token.error()) << "\n";
    return 2;
  }
  std::cout << *token << "\n";
  return 0;
}

}  // namespace khaacho::app
