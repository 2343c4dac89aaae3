// A loopback fake of the WhatsApp Cloud API messages endpoint that records
// requests and replays scripted answers (success, Graph errors, throttling,
// slow answers, hang-ups), for the whatsapp_notifier tests.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "support/loopback_listener.hpp"
#include "support/scripted_http_fake.hpp"

namespace khaacho::test {

/// One scripted HTTP answer.
struct whatsapp_reply : scripted_reply {
  /// 200 with the contacts/messages answer of a template send.
  static whatsapp_reply sent(const std::string& wamid, const std::string& wa_id = "9779841231953");
  /// `status` with a Graph error body of `code`; Retry-After when given.
  static whatsapp_reply graph_error(int status, int code, const std::string& message,
                                    const std::string& retry_after = {});
};

/// What the fake saw of one request.
using whatsapp_request = recorded_request;

/// Serves POST /v19.0/{phone-number-id}/messages on 127.0.0.1 from its own
/// thread until destroyed: the scripted replies in order, then a success
/// for every further request. hang_up_base_url() leads to a second port that
/// reads each whole request and closes the connection without a byte.
class fake_whatsapp_server {
public:
  fake_whatsapp_server();
  ~fake_whatsapp_server();
  fake_whatsapp_server(const fake_whatsapp_server&) = delete;
  fake_whatsapp_server& operator=(const fake_whatsapp_server&) = delete;

  /// http://127.0.0.1:PORT/v19.0, for notify.whatsapp-api-base.
  std::string base_url() const;
  /// The same path on the hang-up port.
  std::string hang_up_base_url() const;

  void script(whatsapp_reply reply);
  std::vector<whatsapp_request> requests() const;
  /// Requests the hang-up port read before closing (raw HTTP text).
  size_t hung_up_requests() const;

private:
  void hang_up(int fd, const std::atomic<bool>& stopping);

  scripted_http_fake http_;
  mutable std::mutex mtx_;
  size_t hung_up_ = 0;
  std::unique_ptr<loopback_listener> hang_up_listener_;
};

}  // namespace khaacho::test
