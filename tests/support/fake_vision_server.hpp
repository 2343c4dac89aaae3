// A loopback fake of Google Vision's images:annotate endpoint that replays
// scripted answers of the documented shapes, for the vision_ocr tests.
#pragma once

#include <string>
#include <vector>

#include "support/scripted_http_fake.hpp"

namespace khaacho::test {

/// One scripted HTTP answer.
struct vision_reply : scripted_reply {
  /// 200 with fullTextAnnotation: `text`, one page of 640x480 with one
  /// block per confidence.
  static vision_reply text(const std::string& text, const std::vector<double>& block_confidences);
  /// 200 `{"responses":[{}]}`: Vision found no text.
  static vision_reply empty();
  /// 200 with a per-image `{"error":{"code":..,"message":..}}` (google.rpc.Code).
  static vision_reply image_error(int code, const std::string& message);
  /// `status` with a Google API error body; Retry-After when `retry_after` is not empty.
  static vision_reply http_error(int status, const std::string& message,
                                 const std::string& retry_after = {});
};

/// What the fake saw of one request.
using vision_request = recorded_request;

/// Serves POST /v1/images:annotate on 127.0.0.1 on a free port from its own
/// thread until destroyed. Answers the scripted replies in order, then
/// vision_reply::text("FAKE", {0.9}) for every further request.
class fake_vision_server {
public:
  fake_vision_server();
  ~fake_vision_server();
  fake_vision_server(const fake_vision_server&) = delete;
  fake_vision_server& operator=(const fake_vision_server&) = delete;

  /// http://127.0.0.1:PORT, for ocr.vision-endpoint.
  std::string endpoint() const;

  void script(vision_reply reply);
  std::vector<vision_request> requests() const;

private:
  scripted_http_fake http_;
};

}  // namespace khaacho::test
