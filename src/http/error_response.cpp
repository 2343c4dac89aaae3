// API.md's JSON error body.
#include "http/error_response.hpp"

#include <httplib.h>

#include "common/json_writer.hpp"

namespace khaacho::http {

void send_error(httplib::Response& res, int status, std::string_view code,
                std::string_view message) {
  json_object error;
  error.add("code", code).add("message", message);
  json_object body;
  body.add_raw("error", error.str());
  res.status = status;
  res.set_content(body.str(), "application/json");
}

}  // namespace khaacho::http
