// The operator page (web/admin.html), compiled into the binary at build time
// so a deployment has no files to ship (see CMakeLists.txt).
#pragma once

#include <string_view>

namespace khaacho::http {

/// The whole self-contained HTML page.
std::string_view admin_page_html();

}  // namespace khaacho::http
