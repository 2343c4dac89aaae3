// The loopback Cloud API fake: answers in the shapes of Meta's messages
// reference and Graph error objects; request recording; delays; hang-ups.
#include "support/fake_whatsapp_server.hpp"

#include <regex>
#include <stdexcept>

#include <httplib.h>

#include "common/json_writer.hpp"

namespace khaacho::test {

namespace {

std::string json_quoted(const std::string& s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

}  // namespace

whatsapp_reply whatsapp_reply::sent(const std::string& wamid, const std::string& wa_id) {
  whatsapp_reply r;
  r.body = R"({"messaging_product":"whatsapp","contacts":[{"input":)" + json_quoted("+" + wa_id)
           + R"(,"wa_id":)" + json_quoted(wa_id) + R"(}],"messages":[{"id":)" + json_quoted(wamid)
           + R"(,"message_status":"accepted"}]})";
  return r;
}

whatsapp_reply whatsapp_reply::graph_error(int status, int code, const std::string& message,
                                           const std::string& retry_after) {
  // Meta types nearly every Cloud API error as OAuthException.
  std::string type = "OAuthException";
  whatsapp_reply r;
  r.status = status;
  r.body = R"({"error":{"message":)" + json_quoted(message) + R"(,"type":)" + json_quoted(type)
           + R"(,"code":)" + std::to_string(code)
           + R"(,"error_data":{"messaging_product":"whatsapp","details":)" + json_quoted(message)
           + R"(},"fbtrace_id":"AbCdEfGhIjK"}})";
  if (!retry_after.empty())
    r.headers["Retry-After"] = retry_after;
  return r;
}

fake_whatsapp_server::fake_whatsapp_server()
  : http_("fake WhatsApp server",
          [] { return whatsapp_reply::sent("wamid.HBgLOTc3OTg0MTIzMTk1MxUCABIYFDEF"); },
          [](const httplib::Request& req, scripted_reply reply) -> scripted_reply {
            static const std::regex messages_path{"/v[0-9.]+/[0-9]+/messages"};
            if (req.method != "POST" || !std::regex_match(req.path, messages_path))
              return whatsapp_reply::graph_error(400, 100, "Unsupported request - method type: "
                                                               + req.method + " " + req.path);
            return reply;
          },
          "application/json") {
  hang_up_listener_ = std::make_unique<loopback_listener>(
    [this](int fd, const std::atomic<bool>& stopping) { hang_up(fd, stopping); });
}

fake_whatsapp_server::~fake_whatsapp_server() {
  hang_up_listener_.reset();
}

std::string fake_whatsapp_server::base_url() const {
  return "http://127.0.0.1:" + std::to_string(http_.port()) + "/v19.0";
}

std::string fake_whatsapp_server::hang_up_base_url() const {
  return "http://127.0.0.1:" + std::to_string(hang_up_listener_->port()) + "/v19.0";
}

void fake_whatsapp_server::script(whatsapp_reply reply) {
  http_.script(std::move(reply));
}

std::vector<whatsapp_request> fake_whatsapp_server::requests() const {
  return http_.requests();
}

size_t fake_whatsapp_server::hung_up_requests() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return hung_up_;
}

void fake_whatsapp_server::hang_up(int fd, const std::atomic<bool>& stopping) {
  // Take the whole request, so the client has sent everything, then close
  // without a status line: the outcome is the client's to guess.
  line_reader in{fd, stopping};
  if (!in.read_until("\r\n\r\n", std::chrono::seconds{5}))
    return;
  static const std::regex length_re{"content-length:\\s*([0-9]+)", std::regex::icase};
  std::smatch m;
  std::string buf = in.buffered();
  size_t head = buf.find("\r\n\r\n") + 4;
  size_t length = std::regex_search(buf, m, length_re) ? std::stoul(m[1].str()) : 0;
  if (!in.read_at_least(head + length, std::chrono::seconds{5}))
    return;
  std::lock_guard<std::mutex> guard{mtx_};
  ++hung_up_;
}

}  // namespace khaacho::test
