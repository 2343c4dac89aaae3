// The loopback Vision fake: scripted answers in the shapes of the
// images:annotate reference, request recording, delays.
#include "support/fake_vision_server.hpp"


#include <httplib.h>

#include "common/json_writer.hpp"

namespace khaacho::test {

namespace {

std::string quoted(const std::string& s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

}  // namespace

vision_reply vision_reply::text(const std::string& text,
                                const std::vector<double>& block_confidences) {
  std::string blocks;
  for (double c : block_confidences) {
    if (!blocks.empty())
      blocks += ',';
    blocks += R"({"blockType":"TEXT","confidence":)" + std::to_string(c) + "}";
  }
  vision_reply r;
  // The shape of AnnotateImageResponse: textAnnotations first, then the
  // document structure; Vision ends the full text with a newline.
  r.body = R"({"responses":[{"textAnnotations":[{"locale":"en","description":)" + quoted(text + "\n")
           + R"(}],"fullTextAnnotation":{"pages":[{"property":{"detectedLanguages":)"
             R"([{"languageCode":"en","confidence":0.8}]},"width":640,"height":480,"blocks":[)"
           + blocks + R"(],"confidence":0.5}],"text":)" + quoted(text + "\n") + "}}]}";
  return r;
}

vision_reply vision_reply::empty() {
  vision_reply r;
  r.body = R"({"responses":[{}]})";
  return r;
}

vision_reply vision_reply::image_error(int code, const std::string& message) {
  vision_reply r;
  r.body = R"({"responses":[{"error":{"code":)" + std::to_string(code) + R"(,"message":)"
           + quoted(message) + "}}]}";
  return r;
}

vision_reply vision_reply::http_error(int status, const std::string& message,
                                      const std::string& retry_after) {
  static const std::map<int, std::string> names = {{400, "INVALID_ARGUMENT"},
                                                   {403, "PERMISSION_DENIED"},
                                                   {429, "RESOURCE_EXHAUSTED"},
                                                   {500, "INTERNAL"},
                                                   {503, "UNAVAILABLE"}};
  auto name = names.count(status) ? names.at(status) : std::string{"UNKNOWN"};
  vision_reply r;
  r.status = status;
  r.body = R"({"error":{"code":)" + std::to_string(status) + R"(,"message":)" + quoted(message)
           + R"(,"status":")" + name + R"("}})";
  if (!retry_after.empty())
    r.headers["Retry-After"] = retry_after;
  return r;
}

fake_vision_server::fake_vision_server()
  : http_("fake Vision server", [] { return vision_reply::text("FAKE", {0.9}); },
          [](const httplib::Request& req, scripted_reply reply) -> scripted_reply {
            if (req.method != "POST" || req.path != "/v1/images:annotate")
              return vision_reply::http_error(404, "not found");
            return reply;
          },
          "application/json; charset=UTF-8") {
}

fake_vision_server::~fake_vision_server() = default;

std::string fake_vision_server::endpoint() const {
  return "http://127.0.0.1:" + std::to_string(http_.port());
}

void fake_vision_server::script(vision_reply reply) {
  http_.script(std::move(reply));
}

std::vector<vision_request> fake_vision_server::requests() const {
  return http_.requests();
}

}  // namespace khaacho::test
