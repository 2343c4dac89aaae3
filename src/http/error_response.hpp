// The one place that writes API.md's error shape:
// {"error": {"code": "<snake_case>", "message": "<human text>"}}.
#pragma once

#include <string_view>

namespace httplib {
struct Response;
}

namespace khaacho::http {

/// Sets `status` and the JSON error body on `res`.
void send_error(httplib::Response& res, int status, std::string_view code,
                std::string_view message);

}  // namespace khaacho::http
