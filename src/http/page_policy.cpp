#include "http/page_policy.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

namespace khaacho::http {

namespace {

std::string sha256_base64(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  unsigned char out[4 * ((SHA256_DIGEST_LENGTH + 2) / 3) + 1];
  int n = EVP_EncodeBlock(out, digest, SHA256_DIGEST_LENGTH);
  return std::string{reinterpret_cast<char*>(out), static_cast<size_t>(n)};
}

}  // namespace

std::string inline_block_hashes(std::string_view html, std::string_view tag) {
  const std::string open = "<" + std::string{tag};
  const std::string close = "</" + std::string{tag} + ">";
  std::string out;
  size_t pos = 0;
  for (;;) {
    auto start = html.find(open, pos);
    if (start == std::string_view::npos)
      break;
    // A tag inside an HTML comment is text, not a block the browser runs.
    auto comment = html.find("<!--", pos);
    if (comment != std::string_view::npos && comment < start) {
      auto comment_end = html.find("-->", comment + 4);
      if (comment_end == std::string_view::npos)
        break;
      pos = comment_end + 3;
      continue;
    }
    auto after_name = start + open.size();
    // "<scripts" or "<style-x" are other tags.
    if (after_name >= html.size() || (html[after_name] != '>' && html[after_name] != ' ')) {
      pos = after_name;
      continue;
    }
    auto body = html.find('>', after_name);
    if (body == std::string_view::npos)
      break;
    ++body;
    auto end = html.find(close, body);
    if (end == std::string_view::npos)
      break;
    // The browser hashes the exact text between the tags.
    if (!out.empty())
      out += ' ';
    out += "'sha256-" + sha256_base64(html.substr(body, end - body)) + "'";
    pos = end + close.size();
  }
  return out;
}

std::string page_content_security_policy(std::string_view html) {
  auto scripts = inline_block_hashes(html, "script");
  auto styles = inline_block_hashes(html, "style");
  return "default-src 'none'; script-src " + (scripts.empty() ? "'none'" : scripts)
         + "; style-src " + (styles.empty() ? "'none'" : styles)
         + "; connect-src 'self'; img-src blob: data:; base-uri 'none'; form-action 'none';"
           " frame-ancestors 'none'";
}

}  // namespace khaacho::http
