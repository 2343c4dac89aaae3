// The notifier that configuration names for a channel.
#include "adapters/notify/notifier.hpp"

#include "adapters/notify/log_notifier.hpp"
#include "adapters/notify/smtp_notifier.hpp"
#include "adapters/notify/whatsapp_notifier.hpp"

namespace khaacho::notify {

std::unique_ptr<notifier> make_notifier(const std::string& channel,
                                        const config::notify_settings& s) {
  if (channel == "whatsapp" && s.whatsapp_enabled)
    return std::make_unique<whatsapp_notifier>(s);
  if (channel == "email" && s.email_enabled)
    return std::make_unique<smtp_notifier>(s);
  return std::make_unique<log_notifier>(channel);
}

}  // namespace khaacho::notify
