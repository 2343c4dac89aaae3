#include "support/image_bytes.hpp"

#include <string_view>

using namespace std::string_literals;

namespace khaacho::test {

namespace {

// Bit by bit, independent of the sniffer's table-driven CRC.
uint32_t crc32_bitwise(std::string_view data) {
  uint32_t c = 0xffffffffu;
  for (char ch : data) {
    c ^= static_cast<uint8_t>(ch);
    for (int k = 0; k < 8; ++k)
      c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

}  // namespace

void put_be16(std::string& s, uint32_t v) {
  s.push_back(static_cast<char>((v >> 8) & 0xff));
  s.push_back(static_cast<char>(v & 0xff));
}

void put_be32(std::string& s, uint32_t v) {
  put_be16(s, v >> 16);
  put_be16(s, v & 0xffff);
}

std::string png_chunk(std::string_view type, std::string_view data) {
  std::string out;
  put_be32(out, static_cast<uint32_t>(data.size()));
  std::string body = std::string{type} + std::string{data};
  out += body;
  put_be32(out, crc32_bitwise(body));
  return out;
}

std::string jpeg_segment(uint8_t marker, std::string_view payload) {
  std::string out = "\xff"s;
  out.push_back(static_cast<char>(marker));
  put_be16(out, static_cast<uint32_t>(payload.size() + 2));
  out += payload;
  return out;
}


std::string bomb_png(uint32_t w, uint32_t h) {
  std::string ihdr;
  put_be32(ihdr, w);
  put_be32(ihdr, h);
  ihdr += "\x08\x02\0\0\0"s;
  return "\x89PNG\r\n\x1a\n"s + png_chunk("IHDR", ihdr) + png_chunk("IDAT", "x")
         + png_chunk("IEND", "");
}

std::string bomb_jpeg(uint32_t w, uint32_t h) {
  std::string sof = "\x08"s;
  put_be16(sof, h);
  put_be16(sof, w);
  sof += "\x03\x01\x11\x00\x02\x11\x00\x03\x11\x00"s;
  std::string sos = "\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00"s;
  return "\xff\xd8"s + jpeg_segment(0xE0, "JFIF\0\x01\x01\0\0\x01\0\x01\0\0"s)
         + jpeg_segment(0xDB, "\0"s + std::string(64, '\x01')) + jpeg_segment(0xC0, sof)
         + jpeg_segment(0xDA, sos) + std::string(64, '\x55') + "\xff\xd9"s;
}

}  // namespace khaacho::test
