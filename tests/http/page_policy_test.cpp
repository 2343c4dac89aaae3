// The retailer page's Content-Security-Policy: inline blocks allowed by hash.
#include <catch2/catch.hpp>

#include <algorithm>

#include "http/page_policy.hpp"
#include "http/retailer_page.hpp"

using namespace khaacho::http;

TEST_CASE("inline blocks are hashed exactly as the browser hashes them", "[http]") {
  // printf 'alert(1)' | openssl dgst -sha256 -binary | base64
  const std::string expected = "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='";
  CHECK(inline_block_hashes("<p><script>alert(1)</script></p>", "script") == expected);
  CHECK(inline_block_hashes("<script type=\"module\">alert(1)</script>", "script") == expected);
  // Other tags that merely start alike, and unclosed blocks, are not hashed.
  CHECK(inline_block_hashes("<scripts>alert(1)</scripts>", "script").empty());
  CHECK(inline_block_hashes("<script>alert(1)", "script").empty());
  // Tags named in a comment are text.
  CHECK(inline_block_hashes("<!-- our <script> blocks --><script>alert(1)</script>", "script")
        == expected);
  auto two = inline_block_hashes("<style>a{}</style><style>b{}</style>", "style");
  CHECK(std::count(two.begin(), two.end(), '\'') == 4);
}

TEST_CASE("the retailer page's policy allows its own script and style and nothing inline else",
          "[http]") {
  auto html = retailer_page_html();
  REQUIRE(html.find("<script>") != std::string_view::npos);
  auto policy = page_content_security_policy(html);
  CAPTURE(policy);
  CHECK(policy.find("default-src 'none'") != std::string::npos);
  CHECK(policy.find("script-src 'sha256-") != std::string::npos);
  CHECK(policy.find("style-src 'sha256-") != std::string::npos);
  CHECK(policy.find("unsafe-inline") == std::string::npos);
  CHECK(policy.find("connect-src 'self'") != std::string::npos);
  // The policy only holds if the page has no attribute-borne script or style.
  CHECK(html.find(" style=\"") == std::string_view::npos);
  CHECK(html.find(" onclick=") == std::string_view::npos);
  CHECK(html.find("innerHTML") == std::string_view::npos);
  CHECK(html.find("http://") == std::string_view::npos);
  CHECK(html.find("https://") == std::string_view::npos);
}
