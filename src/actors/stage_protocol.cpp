#include "actors/stage_protocol.hpp"

#include <caf/make_message.hpp>

namespace khaacho {

caf::error stage_failure(errc code, std::string message,
                         std::optional<std::chrono::milliseconds> retry_after) {
  if (retry_after)
    return caf::error{static_cast<uint8_t>(code), caf::atom("khaacho"),
                      caf::make_message(std::move(message), int64_t{retry_after->count()})};
  return caf::make_error(code, std::move(message));
}

std::optional<std::chrono::milliseconds> retry_after_of(const caf::error& err) {
  const auto& ctx = err.context();
  if (ctx.match_elements<std::string, int64_t>())
    return std::chrono::milliseconds{ctx.get_as<int64_t>(1)};
  return std::nullopt;
}

}  // namespace khaacho
