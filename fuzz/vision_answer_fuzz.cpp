// libFuzzer target: the JSON answer of Google Vision images:annotate
// (ocr::parse_vision_answer). A result has a confidence in [0, 1] and no
// negative size; an error never quotes the API key.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <caf/error.hpp>
#include <caf/message.hpp>

#include "adapters/ocr/vision_answer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<std::string> secrets{"AIzaFUZZKEY0123456789"};
  std::string_view body{reinterpret_cast<const char*>(data), size};
  auto result = khaacho::ocr::parse_vision_answer(body, secrets);
  if (result) {
    if (!(result->confidence >= 0 && result->confidence <= 1) || result->width < 0
        || result->height < 0)
      std::abort();
  } else if (caf::to_string(result.error().context()).find(secrets[0]) != std::string::npos) {
    std::abort();
  }
  return 0;
}
