// The retailer's page (web/index.html), compiled into the binary at build
// time like the operator page (see CMakeLists.txt).
#pragma once

#include <string_view>

namespace khaacho::http {

/// The whole self-contained HTML page.
std::string_view retailer_page_html();

}  // namespace khaacho::http
