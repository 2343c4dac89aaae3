// The Content-Security-Policy of a self-contained page: its inline <script>
// and <style> blocks are allowed by their SHA-256 hashes, nothing else runs,
// so even text that reached the page as markup could not execute. Pure.
#pragma once

#include <string>
#include <string_view>

namespace khaacho::http {

/// "'sha256-<base64>'" source expressions, space-separated, one per inline
/// `<tag ...>...</tag>` block of `html` (tag "script" or "style").
std::string inline_block_hashes(std::string_view html, std::string_view tag);

/// The whole policy of a page that talks to its own origin only: scripts and
/// styles by hash, fetch/XHR to 'self', images from blob: and data: URLs
/// (photos fetched with the bearer token, previews of a chosen file).
std::string page_content_security_policy(std::string_view html);

}  // namespace khaacho::http
