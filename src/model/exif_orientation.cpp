#include "model/exif_orientation.hpp"

#include <cstdint>

namespace khaacho::model {

namespace {

uint16_t read16(const unsigned char* p, bool little) noexcept {
  return little ? static_cast<uint16_t>(p[0] | (p[1] << 8))
                : static_cast<uint16_t>((p[0] << 8) | p[1]);
}

uint32_t read32(const unsigned char* p, bool little) noexcept {
  return little ? static_cast<uint32_t>(p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t{p[3]} << 24))
                : static_cast<uint32_t>((uint32_t{p[0]} << 24) | (p[1] << 16) | (p[2] << 8) | p[3]);
}

/// Orientation from a TIFF structure (the body of an Exif segment).
int from_tiff(const unsigned char* t, size_t n) noexcept {
  if (n < 8)
    return 1;
  bool little;
  if (t[0] == 'I' && t[1] == 'I')
    little = true;
  else if (t[0] == 'M' && t[1] == 'M')
    little = false;
  else
    return 1;
  uint32_t ifd = read32(t + 4, little);
  if (ifd > n - 2)
    return 1;
  uint16_t entries = read16(t + ifd, little);
  for (uint32_t i = 0; i < entries; ++i) {
    size_t e = ifd + 2 + size_t{i} * 12;
    if (e + 12 > n)
      return 1;
    if (read16(t + e, little) == 0x0112) {
      uint16_t v = read16(t + e + 8, little);
      return v >= 1 && v <= 8 ? v : 1;
    }
  }
  return 1;
}

}  // namespace

int exif_orientation(std::string_view jpeg) noexcept {
  auto p = reinterpret_cast<const unsigned char*>(jpeg.data());
  size_t n = jpeg.size();
  if (n < 4 || p[0] != 0xFF || p[1] != 0xD8)
    return 1;
  size_t pos = 2;
  while (pos + 4 <= n) {
    if (p[pos] != 0xFF)
      return 1;
    unsigned char marker = p[pos + 1];
    if (marker == 0xFF) {
      ++pos;  // fill byte
      continue;
    }
    if (marker == 0xDA || marker == 0xD9)
      return 1;  // image data: no Exif before it
    size_t len = (size_t{p[pos + 2]} << 8) | p[pos + 3];
    if (len < 2 || pos + 2 + len > n)
      return 1;
    const unsigned char* body = p + pos + 4;
    size_t body_len = len - 2;
    if (marker == 0xE1 && body_len >= 6 && body[0] == 'E' && body[1] == 'x' && body[2] == 'i'
        && body[3] == 'f' && body[4] == 0 && body[5] == 0)
      return from_tiff(body + 6, body_len - 6);
    pos += 2 + len;
  }
  return 1;
}

}  // namespace khaacho::model
