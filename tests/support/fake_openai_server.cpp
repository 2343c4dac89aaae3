// The loopback chat completions fake: scripted answers in the shapes of the
// OpenAI API reference (choices, refusals, errors), request recording, delays.
#include "support/fake_openai_server.hpp"


#include <httplib.h>

#include "common/json_writer.hpp"

namespace khaacho::test {

namespace {

std::string completion(const std::string& message_json, const std::string& finish_reason) {
  std::string finish;
  append_json_string(finish, finish_reason);
  return R"({"id":"chatcmpl-fake","object":"chat.completion","created":1714000000,)"
         R"("model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":)"
         + message_json + R"(,"logprobs":null,"finish_reason":)" + finish
         + R"(}],"usage":{"prompt_tokens":10,"completion_tokens":10,"total_tokens":20}})";
}

}  // namespace

openai_reply openai_reply::content(const std::string& content, const std::string& finish_reason) {
  std::string text;
  append_json_string(text, content);
  openai_reply r;
  r.body = completion(R"({"role":"assistant","content":)" + text + R"(,"refusal":null})",
                      finish_reason);
  return r;
}

openai_reply openai_reply::refusal(const std::string& why) {
  std::string text;
  append_json_string(text, why);
  openai_reply r;
  r.body = completion(R"({"role":"assistant","content":null,"refusal":)" + text + "}", "stop");
  return r;
}

openai_reply openai_reply::http_error(int status, const std::string& message,
                                      const std::string& retry_after) {
  std::string text;
  append_json_string(text, message);
  std::string type = status == 429 ? "requests" : status >= 500 ? "server_error"
                                                                : "invalid_request_error";
  openai_reply r;
  r.status = status;
  r.body = R"({"error":{"message":)" + text + R"(,"type":")" + type
           + R"(","param":null,"code":null}})";
  if (!retry_after.empty())
    r.headers["Retry-After"] = retry_after;
  return r;
}

fake_openai_server::fake_openai_server()
  : http_("fake OpenAI server", [] { return openai_reply::content(R"({"items":[]})"); },
          [](const httplib::Request& req, scripted_reply reply) -> scripted_reply {
            if (req.method != "POST" || req.path != "/v1/chat/completions")
              return openai_reply::http_error(404, "Invalid URL (" + req.method + " " + req.path
                                                     + ")");
            return reply;
          },
          "application/json") {
}

fake_openai_server::~fake_openai_server() = default;

std::string fake_openai_server::base_url() const {
  return "http://127.0.0.1:" + std::to_string(http_.port()) + "/v1";
}

void fake_openai_server::script(openai_reply reply) {
  http_.script(std::move(reply));
}

std::vector<openai_request> fake_openai_server::requests() const {
  return http_.requests();
}

}  // namespace khaacho::test
