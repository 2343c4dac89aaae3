// A loopback fake of an OpenAI-compatible chat completions endpoint that
// replays scripted answers (including malformed ones), for the
// openai_extractor tests.
#pragma once

#include <string>
#include <vector>

#include "support/scripted_http_fake.hpp"

namespace khaacho::test {

/// One scripted HTTP answer.
struct openai_reply : scripted_reply {
  /// 200 with one choice whose message content is `content` (any text: the
  /// tests feed malformed JSON through it) and the given finish_reason.
  static openai_reply content(const std::string& content, const std::string& finish_reason = "stop");
  /// 200 with content null and a refusal, as structured outputs refuse.
  static openai_reply refusal(const std::string& why);
  /// `status` with an OpenAI error body; Retry-After when `retry_after` is not empty.
  static openai_reply http_error(int status, const std::string& message,
                                 const std::string& retry_after = {});
};

/// What the fake saw of one request.
using openai_request = recorded_request;

/// Serves POST /v1/chat/completions on 127.0.0.1 on a free port from its own
/// thread until destroyed. Answers the scripted replies in order, then
/// `{"items": []}` for every further request.
class fake_openai_server {
public:
  fake_openai_server();
  ~fake_openai_server();
  fake_openai_server(const fake_openai_server&) = delete;
  fake_openai_server& operator=(const fake_openai_server&) = delete;

  /// http://127.0.0.1:PORT/v1, for extract.openai-base-url.
  std::string base_url() const;

  void script(openai_reply reply);
  std::vector<openai_request> requests() const;

private:
  scripted_http_fake http_;
};

}  // namespace khaacho::test
