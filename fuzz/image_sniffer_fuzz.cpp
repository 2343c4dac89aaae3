// libFuzzer target: sniff_image over arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "model/image_sniffer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes{reinterpret_cast<const char*>(data), size};
  auto info = khaacho::model::sniff_image(bytes);
  if (info) {
    if (info->width == 0 || info->height == 0)
      std::abort();  // the header promises non-zero dimensions
    if (khaacho::model::extension(info->format) == nullptr ||
        khaacho::model::mime_type(info->format) == nullptr)
      std::abort();
  }
  return 0;
}
