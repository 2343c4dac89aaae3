// API.md's JSON error body.
#include "http/error_response.hpp"

#include <httplib.h>

#include "common/errc.hpp"
#include "common/json_writer.hpp"
#include "common/log.hpp"

namespace khaacho::http {

std::string request_id_of(const httplib::Response& res) {
  return res.get_header_value(request_id_header);
}

void send_error(httplib::Response& res, int status, std::string_view code,
                std::string_view message) {
  auto request_id = request_id_of(res);
  json_object error;
  error.add("code", code).add("message", message);
  if (!request_id.empty())
    error.add("request_id", request_id);
  json_object body;
  body.add_raw("error", error.str());
  res.status = status;
  res.set_content(body.str(), "application/json");
  log::write(status >= 500 ? log::level::error : log::level::info,
             status >= 500 ? "request failed" : "request refused",
             {{"request_id", request_id},
              {"status", std::to_string(status)},
              {"code", std::string{code}},
              {"reason", std::string{message}}});
}

void send_retryable_error(httplib::Response& res, int status, std::string_view code,
                          std::string_view message, std::chrono::milliseconds retry_after) {
  auto secs = std::max<int64_t>(1, (retry_after.count() + 999) / 1000);
  res.set_header("Retry-After", std::to_string(secs));
  send_error(res, status, code, message);
}

void send_service_error(httplib::Response& res, const caf::error& err) {
  log::warn("service failure", {{"request_id", request_id_of(res)}, {"error", describe(err)}});
  if (is_transient(err))
    send_retryable_error(res, 503, "unavailable",
                         "a backing service is temporarily unavailable; retry later",
                         std::chrono::seconds{2});
  else
    send_error(res, 500, "internal", "internal error");
}

}  // namespace khaacho::http
