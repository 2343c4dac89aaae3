// The key rule every blob storage backend enforces before touching disk or network.
#include "adapters/storage/blob_storage.hpp"

namespace khaacho::storage {

namespace {

constexpr size_t max_key_bytes = 512;

// ASCII only, on purpose: no separators of other systems ('\\', ':'), no
// percent signs (a key is never decoded), no control or non-ASCII bytes.
bool is_key_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
         || c == '_' || c == '-';
}

}  // namespace

bool is_valid_key(std::string_view key) noexcept {
  if (key.empty() || key.size() > max_key_bytes)
    return false;
  size_t start = 0;
  for (;;) {
    auto end = key.find('/', start);
    auto segment = key.substr(start, end == std::string_view::npos ? end : end - start);
    // Empty segments cover a leading '/', a trailing '/' and "a//b".
    if (segment.empty() || segment == "." || segment == "..")
      return false;
    for (char c : segment)
      if (!is_key_char(c))
        return false;
    if (end == std::string_view::npos)
      return true;
    start = end + 1;
  }
}

}  // namespace khaacho::storage
