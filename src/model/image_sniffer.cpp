// Image sniffing by content: each reader checks a length before every read,
// reads bytes one at a time (no casts of the buffer to wider types), and
// every loop consumes at least one byte, so any input ends in bounded time.
#include "model/image_sniffer.hpp"

#include <array>
#include <cstddef>

namespace khaacho::model {

namespace {

// A bounds-checked cursor over the input. Every accessor takes an offset
// relative to the start of the data; callers check has(offset, n) first.
class bytes_view {
public:
  explicit bytes_view(std::string_view data) noexcept : data_(data) {}

  size_t size() const noexcept { return data_.size(); }

  bool has(size_t offset, size_t n) const noexcept {
    return offset <= data_.size() && n <= data_.size() - offset;
  }

  uint8_t u8(size_t at) const noexcept { return static_cast<uint8_t>(data_[at]); }

  uint32_t be16(size_t at) const noexcept {
    return static_cast<uint32_t>(u8(at)) << 8 | u8(at + 1);
  }

  uint32_t be32(size_t at) const noexcept {
    return be16(at) << 16 | be16(at + 2);
  }

  uint32_t le16(size_t at) const noexcept {
    return static_cast<uint32_t>(u8(at + 1)) << 8 | u8(at);
  }

  uint32_t le24(size_t at) const noexcept {
    return static_cast<uint32_t>(u8(at + 2)) << 16 | le16(at);
  }

  uint32_t le32(size_t at) const noexcept {
    return le16(at + 2) << 16 | le16(at);
  }

  bool equals(size_t at, std::string_view text) const noexcept {
    return has(at, text.size()) && data_.compare(at, text.size(), text) == 0;
  }

  std::string_view sub(size_t at, size_t n) const noexcept { return data_.substr(at, n); }

private:
  std::string_view data_;
};

// ---------------------------------------------------------------- PNG

constexpr std::array<uint32_t, 256> make_crc_table() noexcept {
  std::array<uint32_t, 256> table{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

constexpr auto crc_table = make_crc_table();

// CRC-32 of ISO 3309 / PNG (reflected, initial and final xor 0xffffffff).
uint32_t crc32(std::string_view data) noexcept {
  uint32_t c = 0xffffffffu;
  for (char ch : data)
    c = crc_table[(c ^ static_cast<uint8_t>(ch)) & 0xffu] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

constexpr std::string_view png_signature{"\x89PNG\r\n\x1a\n", 8};
constexpr uint32_t png_max_length = 0x7fffffffu;  // PNG 1.2, 3.2: lengths and dimensions

bool png_depth_ok(uint8_t color_type, uint8_t depth) noexcept {
  switch (color_type) {
    case 0:  // greyscale
      return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3:  // palette
      return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2:  // RGB
    case 4:  // grey + alpha
    case 6:  // RGBA
      return depth == 8 || depth == 16;
    default:
      return false;
  }
}

std::optional<image_info> sniff_png(const bytes_view& in) noexcept {
  // Signature, then IHDR: length 13, type, 13 bytes of data, CRC.
  constexpr size_t ihdr = 8;
  if (!in.has(ihdr, 4 + 4 + 13 + 4) || in.be32(ihdr) != 13 || !in.equals(ihdr + 4, "IHDR"))
    return std::nullopt;
  if (crc32(in.sub(ihdr + 4, 4 + 13)) != in.be32(ihdr + 8 + 13))
    return std::nullopt;
  size_t d = ihdr + 8;
  uint32_t width = in.be32(d);
  uint32_t height = in.be32(d + 4);
  uint8_t depth = in.u8(d + 8);
  uint8_t color_type = in.u8(d + 9);
  if (width == 0 || height == 0 || width > png_max_length || height > png_max_length)
    return std::nullopt;
  if (!png_depth_ok(color_type, depth) || in.u8(d + 10) != 0 || in.u8(d + 11) != 0 ||
      in.u8(d + 12) > 1)
    return std::nullopt;
  // The remaining chunks must fit the data, hold image data and end with IEND.
  // Each step consumes at least 12 bytes.
  size_t pos = ihdr + 12 + 13;
  bool has_idat = false;
  for (;;) {
    if (!in.has(pos, 8))
      return std::nullopt;  // truncated
    uint32_t length = in.be32(pos);
    if (length > png_max_length || !in.has(pos + 8, static_cast<size_t>(length) + 4))
      return std::nullopt;
    if (in.equals(pos + 4, "IHDR"))
      return std::nullopt;
    if (in.equals(pos + 4, "IDAT"))
      has_idat = true;
    if (in.equals(pos + 4, "IEND"))
      break;
    pos += 12 + static_cast<size_t>(length);
  }
  if (!has_idat)
    return std::nullopt;
  return image_info{image_format::png, width, height};
}

// ---------------------------------------------------------------- JPEG

bool is_sof(uint8_t marker) noexcept {
  // SOF0..SOF15 are C0..CF, less DHT (C4), JPG (C8) and DAC (CC).
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

bool is_standalone(uint8_t marker) noexcept {
  return marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7);  // TEM, RST0..7
}

// Walks the segments from SOI to the first SOS, so a file cut short before its
// scan is refused too; the dimensions come from the one SOF before it.
std::optional<image_info> sniff_jpeg(const bytes_view& in) noexcept {
  if (!in.has(0, 2) || in.u8(0) != 0xFF || in.u8(1) != 0xD8)
    return std::nullopt;
  size_t pos = 2;
  std::optional<image_info> found;
  // Every step consumes at least one byte.
  while (pos < in.size()) {
    if (in.u8(pos) != 0xFF)
      return std::nullopt;  // segments must follow one another
    while (pos < in.size() && in.u8(pos) == 0xFF)
      ++pos;  // the marker's 0xFF and any fill bytes
    if (pos >= in.size())
      return std::nullopt;
    uint8_t marker = in.u8(pos++);
    if (is_standalone(marker))
      continue;
    if (marker == 0x00 || marker == 0xD8 || marker == 0xD9)
      return std::nullopt;  // stuffed zero, a second SOI, EOI before any scan
    if (!in.has(pos, 2))
      return std::nullopt;
    uint32_t length = in.be16(pos);  // counts itself
    if (length < 2 || !in.has(pos, length))
      return std::nullopt;
    if (marker == 0xDA)  // SOS: the entropy-coded data follows
      return found;      // nullopt when no SOF came first
    if (is_sof(marker)) {
      if (found)
        return std::nullopt;  // one frame per image
      // precision, height, width, components, then 3 bytes per component
      if (length < 8)
        return std::nullopt;
      uint32_t height = in.be16(pos + 3);
      uint32_t width = in.be16(pos + 5);
      uint32_t components = in.u8(pos + 7);
      if (height == 0 || width == 0 || components == 0 || length != 8 + 3 * components)
        return std::nullopt;
      found = image_info{image_format::jpeg, width, height};
    }
    pos += length;
  }
  return std::nullopt;  // ended before a scan: truncated
}

// ---------------------------------------------------------------- WebP

constexpr uint32_t vp8_max_dimension = 0x3fff;

// A "VP8 " key frame header: frame tag, start code, 14-bit dimensions.
std::optional<image_info> vp8_dimensions(const bytes_view& in, size_t at, uint32_t size) noexcept {
  if (size < 10)
    return std::nullopt;
  uint32_t tag = in.le24(at);
  bool key_frame = (tag & 1) == 0;
  uint32_t version = (tag >> 1) & 7;
  bool shown = ((tag >> 4) & 1) != 0;
  uint32_t partition_size = tag >> 5;
  // The first partition follows the 10 bytes read here.
  if (!key_frame || version > 3 || !shown || partition_size > size - 10)
    return std::nullopt;
  if (in.u8(at + 3) != 0x9d || in.u8(at + 4) != 0x01 || in.u8(at + 5) != 0x2a)
    return std::nullopt;
  uint32_t width = in.le16(at + 6) & vp8_max_dimension;
  uint32_t height = in.le16(at + 8) & vp8_max_dimension;
  if (width == 0 || height == 0)
    return std::nullopt;
  return image_info{image_format::webp, width, height};
}

// A "VP8L" header: signature 0x2f, then 14 bits width - 1, 14 bits height - 1,
// 1 bit alpha, 3 bits version (0).
std::optional<image_info> vp8l_dimensions(const bytes_view& in, size_t at, uint32_t size) noexcept {
  if (size < 5 || in.u8(at) != 0x2f)
    return std::nullopt;
  uint32_t bits = in.le32(at + 1);
  if ((bits >> 29) != 0)
    return std::nullopt;
  uint32_t width = (bits & 0x3fff) + 1;
  uint32_t height = ((bits >> 14) & 0x3fff) + 1;
  return image_info{image_format::webp, width, height};
}

std::optional<image_info> sniff_webp(const bytes_view& in) noexcept {
  // "RIFF", size of what follows, "WEBP", then chunks (fourcc, size, data
  // padded to even) that must exactly fill the RIFF payload.
  if (!in.has(0, 12) || !in.equals(0, "RIFF") || !in.equals(8, "WEBP"))
    return std::nullopt;
  uint32_t riff_size = in.le32(4);
  if (static_cast<size_t>(riff_size) + 8 != in.size() || riff_size < 4 + 8 || riff_size % 2 != 0)
    return std::nullopt;
  const size_t end = in.size();
  size_t pos = 12;
  std::optional<image_info> info;
  bool extended = false;
  bool has_image = false;
  // Each step consumes at least 8 bytes.
  for (bool first = true; pos < end; first = false) {
    if (!in.has(pos, 8))
      return std::nullopt;
    uint32_t size = in.le32(pos + 4);
    size_t padded = static_cast<size_t>(size) + (size & 1);
    if (!in.has(pos + 8, padded))
      return std::nullopt;
    size_t data = pos + 8;
    if (first) {
      if (in.equals(pos, "VP8 "))
        info = vp8_dimensions(in, data, size);
      else if (in.equals(pos, "VP8L"))
        info = vp8l_dimensions(in, data, size);
      else if (in.equals(pos, "VP8X") && size >= 10) {
        extended = true;
        uint32_t width = in.le24(data + 4) + 1;
        uint32_t height = in.le24(data + 7) + 1;
        // The spec caps width * height at 2^32 - 1.
        if (static_cast<uint64_t>(width) * height <= 0xffffffffu)
          info = image_info{image_format::webp, width, height};
      }
      if (!info)
        return std::nullopt;
      has_image = !extended;
    } else if (extended &&
               (in.equals(pos, "VP8 ") || in.equals(pos, "VP8L") || in.equals(pos, "ANMF"))) {
      has_image = true;
    }
    pos = data + padded;
  }
  if (!has_image)
    return std::nullopt;
  return info;
}

}  // namespace

std::optional<image_info> sniff_image(std::string_view bytes) noexcept {
  bytes_view in{bytes};
  if (in.equals(0, png_signature))
    return sniff_png(in);
  if (in.has(0, 2) && in.u8(0) == 0xFF && in.u8(1) == 0xD8)
    return sniff_jpeg(in);
  if (in.equals(0, "RIFF"))
    return sniff_webp(in);
  return std::nullopt;
}

const char* extension(image_format f) noexcept {
  switch (f) {
    case image_format::jpeg:
      return "jpg";
    case image_format::png:
      return "png";
    case image_format::webp:
      return "webp";
  }
  return "bin";
}

const char* mime_type(image_format f) noexcept {
  switch (f) {
    case image_format::jpeg:
      return "image/jpeg";
    case image_format::png:
      return "image/png";
    case image_format::webp:
      return "image/webp";
  }
  return "application/octet-stream";
}

}  // namespace khaacho::model
