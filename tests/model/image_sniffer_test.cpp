// Image sniffing: minimal hand-built PNG, JPEG and WebP files and real ones
// from tests/fixtures/images are recognised with their dimensions; files
// that only start like an image are refused.
#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "model/image_sniffer.hpp"
#include "support/image_bytes.hpp"

using namespace khaacho::model;
using namespace khaacho::test;
using namespace std::string_literals;

namespace {

void put_le16(std::string& s, uint32_t v) {
  s.push_back(static_cast<char>(v & 0xff));
  s.push_back(static_cast<char>((v >> 8) & 0xff));
}

void put_le24(std::string& s, uint32_t v) {
  put_le16(s, v & 0xffff);
  s.push_back(static_cast<char>((v >> 16) & 0xff));
}

void put_le32(std::string& s, uint32_t v) {
  put_le16(s, v & 0xffff);
  put_le16(s, v >> 16);
}

std::string png_ihdr(uint32_t w, uint32_t h, uint8_t depth = 8, uint8_t color_type = 2) {
  std::string d;
  put_be32(d, w);
  put_be32(d, h);
  d.push_back(static_cast<char>(depth));
  d.push_back(static_cast<char>(color_type));
  d += "\0\0\0"s;  // compression, filter, interlace
  return d;
}

const std::string png_signature = "\x89PNG\r\n\x1a\n"s;

std::string make_png(uint32_t w, uint32_t h) {
  return png_signature + png_chunk("IHDR", png_ihdr(w, h)) + png_chunk("IDAT", "not really zlib") +
         png_chunk("IEND", "");
}

std::string sof_payload(uint32_t w, uint32_t h, int components = 3) {
  std::string p = "\x08"s;  // precision
  put_be16(p, h);
  put_be16(p, w);
  p.push_back(static_cast<char>(components));
  for (int i = 0; i < components; ++i)
    p += std::string{static_cast<char>(i + 1), '\x11', '\x00'};
  return p;
}

const std::string jpeg_soi = "\xff\xd8"s;
const std::string jpeg_app0 = jpeg_segment(0xE0, "JFIF\0\x01\x01\0\0\x01\0\x01\0\0"s);
const std::string jpeg_dqt = jpeg_segment(0xDB, "\0"s + std::string(64, '\x01'));
const std::string jpeg_dht = jpeg_segment(0xC4, "\0"s + std::string(16, '\0'));
const std::string jpeg_sos = jpeg_segment(0xDA, "\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00"s);
const std::string jpeg_tail = "\x12\x34\xff\x00\x56\xff\xd0\x78\xff\xd9"s;  // entropy data, RST0, EOI

std::string make_jpeg(uint32_t w, uint32_t h, uint8_t sof = 0xC0) {
  return jpeg_soi + jpeg_app0 + jpeg_dqt + jpeg_segment(sof, sof_payload(w, h)) + jpeg_dht + jpeg_sos +
         jpeg_tail;
}

std::string riff_chunk(std::string_view fourcc, std::string_view data) {
  std::string out{fourcc};
  put_le32(out, static_cast<uint32_t>(data.size()));
  out += data;
  if (data.size() % 2 == 1)
    out.push_back('\0');
  return out;
}

std::string riff_webp(std::string_view chunks) {
  std::string out = "RIFF";
  put_le32(out, static_cast<uint32_t>(4 + chunks.size()));
  out += "WEBP";
  out += chunks;
  return out;
}

std::string vp8_payload(uint32_t w, uint32_t h, uint32_t frame_tag_flags = 0x10) {
  std::string p;
  // key frame (bit 0 = 0), version 0, shown (bit 4), first partition 3 bytes
  put_le24(p, frame_tag_flags | (3u << 5));
  p += "\x9d\x01\x2a"s;
  put_le16(p, w);
  put_le16(p, h);
  p += "abc"s;  // the first partition
  return p;
}

std::string vp8l_payload(uint32_t w, uint32_t h) {
  std::string p = "\x2f"s;
  put_le32(p, ((w - 1) & 0x3fff) | (((h - 1) & 0x3fff) << 14));
  p += "pixels";
  return p;
}

std::string vp8x_payload(uint32_t w, uint32_t h) {
  std::string p = "\x00\x00\x00\x00"s;  // flags, reserved
  put_le24(p, w - 1);
  put_le24(p, h - 1);
  return p;
}

std::string read_fixture(const std::string& name) {
  std::ifstream in{std::string{KHAACHO_SOURCE_DIR} + "/tests/fixtures/images/" + name, std::ios::binary};
  REQUIRE(in);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct expected_image {
  image_format format;
  uint32_t width;
  uint32_t height;
};

void check_sniffed(const std::string& bytes, expected_image want) {
  auto info = sniff_image(bytes);
  REQUIRE(info);
  CHECK(info->format == want.format);
  CHECK(info->width == want.width);
  CHECK(info->height == want.height);
}

}  // namespace

TEST_CASE("sniffer: hand-built images give their format and size", "[model]") {
  auto [name, bytes, want] = GENERATE(table<std::string, std::string, expected_image>({
    {"png", make_png(640, 480), {image_format::png, 640, 480}},
    {"png 1x1", make_png(1, 1), {image_format::png, 1, 1}},
    {"png largest dimension", make_png(0x7fffffff, 3), {image_format::png, 0x7fffffff, 3}},
    {"png palette 4-bit",
     png_signature + png_chunk("IHDR", png_ihdr(5, 6, 4, 3)) + png_chunk("PLTE", "\0\0\0"s) +
       png_chunk("IDAT", "x") + png_chunk("IEND", "") + "trailing bytes",
     {image_format::png, 5, 6}},
    {"jpeg baseline", make_jpeg(3024, 4032), {image_format::jpeg, 3024, 4032}},
    {"jpeg progressive", make_jpeg(17, 9, 0xC2), {image_format::jpeg, 17, 9}},
    {"jpeg SOF15", make_jpeg(17, 9, 0xCF), {image_format::jpeg, 17, 9}},
    {"jpeg fill bytes and standalone markers",
     jpeg_soi + "\xff\xff\xff"s + jpeg_app0 + "\xff\x01\xff\xd3"s + jpeg_dht +
       jpeg_segment(0xC1, sof_payload(100, 200, 1)) + "\xff\xff"s + jpeg_sos + jpeg_tail,
     {image_format::jpeg, 100, 200}},
    {"jpeg DAC and JPG markers are not frames",
     jpeg_soi + jpeg_segment(0xCC, "\0\0"s) + jpeg_segment(0xC8, "") + jpeg_segment(0xC0, sof_payload(8, 8)) +
       jpeg_sos,
     {image_format::jpeg, 8, 8}},
    {"webp lossy", riff_webp(riff_chunk("VP8 ", vp8_payload(1920, 1080))), {image_format::webp, 1920, 1080}},
    {"webp lossy with scale bits", riff_webp(riff_chunk("VP8 ", vp8_payload(0xC000 | 300, 0x4000 | 200))),
     {image_format::webp, 300, 200}},
    {"webp lossless", riff_webp(riff_chunk("VP8L", vp8l_payload(16384, 1))), {image_format::webp, 16384, 1}},
    {"webp extended",
     riff_webp(riff_chunk("VP8X", vp8x_payload(5000, 7000)) + riff_chunk("ICCP", "abc") +
               riff_chunk("VP8 ", vp8_payload(5000 & 0x3fff, 7000)) + riff_chunk("EXIF", "e")),
     {image_format::webp, 5000, 7000}},
    {"webp extended lossless",
     riff_webp(riff_chunk("VP8X", vp8x_payload(1 << 24, 1)) + riff_chunk("VP8L", vp8l_payload(1, 1))),
     {image_format::webp, 1u << 24, 1}},
  }));
  CAPTURE(name);
  check_sniffed(bytes, want);
}

TEST_CASE("sniffer: real image files give their format and size", "[model]") {
  auto [file, want] = GENERATE(table<std::string, expected_image>({
    {"order_7x5.png", {image_format::png, 7, 5}},
    {"order_11x6.jpg", {image_format::jpeg, 11, 6}},
    {"order_9x4_lossless.webp", {image_format::webp, 9, 4}},
    {"order_9x4_lossy.webp", {image_format::webp, 9, 4}},
  }));
  CAPTURE(file);
  auto bytes = read_fixture(file);
  check_sniffed(bytes, want);
  // Every proper prefix is a truncated file, refused (and read without
  // overrun), except that a JPEG is checked only up to its SOS header.
  size_t complete = bytes.size();
  if (want.format == image_format::jpeg) {
    auto sos = bytes.find("\xff\xda"s);
    REQUIRE(sos != std::string::npos);
    complete = sos + 2 + (static_cast<uint8_t>(bytes[sos + 2]) << 8 | static_cast<uint8_t>(bytes[sos + 3]));
  }
  for (size_t n = 0; n < bytes.size(); ++n) {
    CAPTURE(n);
    REQUIRE(sniff_image(std::string_view{bytes}.substr(0, n)).has_value() == (n >= complete));
  }
}

TEST_CASE("sniffer: files that only start like an image are refused", "[model]") {
  const auto png = make_png(640, 480);
  std::string bad_crc = png;
  bad_crc[8 + 4 + 4 + 13] ^= 0x01;  // first CRC byte
  std::string bad_ihdr_data = png;
  bad_ihdr_data[8 + 8 + 3] ^= 0x01;  // width changed, CRC kept
  auto without_idat = png_signature + png_chunk("IHDR", png_ihdr(4, 4)) + png_chunk("IEND", "");
  auto chunk_past_end = png_signature + png_chunk("IHDR", png_ihdr(4, 4)) + png_chunk("IDAT", "x");
  chunk_past_end.replace(33, 4, "\0\0\x10\0"s);  // IDAT claims 4096 bytes

  const auto jpeg_app_sof = jpeg_soi + jpeg_app0 + jpeg_segment(0xC0, sof_payload(8, 8));
  auto webp_lossy = [](std::string_view payload) { return riff_webp(riff_chunk("VP8 ", payload)); };
  auto long_riff = riff_webp(riff_chunk("VP8L", vp8l_payload(4, 4)));
  long_riff[4] = static_cast<char>(long_riff[4] + 2);
  auto short_riff = riff_webp(riff_chunk("VP8L", vp8l_payload(4, 4)));
  short_riff[4] = static_cast<char>(short_riff[4] - 2);
  auto vp8_size_past_riff = riff_webp(riff_chunk("VP8L", vp8l_payload(4, 4)));
  vp8_size_past_riff[16] = static_cast<char>(vp8_size_past_riff[16] + 8);

  auto [name, bytes] = GENERATE_COPY(table<std::string, std::string>({
    {"empty", ""},
    {"one byte", "\xff"s},
    {"GIF", "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,"s},
    {"PDF", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"s},
    {"BMP", "BM\x3e\0\0\0\0\0\0\0\x3e\0\0\0\x28\0\0\0\x01\0\0\0\x01\0\0\0"s},
    {"text", "chini 10 kg\ndal 5 kg\n"},
    // PNG
    {"png signature then garbage", png_signature + "garbage garbage garbage garbage"},
    {"png signature only", png_signature},
    {"png bad IHDR CRC", bad_crc},
    {"png IHDR data not matching its CRC", bad_ihdr_data},
    {"png zero width", make_png(0, 480)},
    {"png zero height", make_png(640, 0)},
    {"png width over 2^31-1", make_png(0x80000000u, 1)},
    {"png bad bit depth", png_signature + png_chunk("IHDR", png_ihdr(4, 4, 3, 2)) + png_chunk("IDAT", "x") +
                            png_chunk("IEND", "")},
    {"png bad color type", png_signature + png_chunk("IHDR", png_ihdr(4, 4, 8, 5)) + png_chunk("IDAT", "x") +
                             png_chunk("IEND", "")},
    {"png chunk before IHDR", png_signature + png_chunk("gAMA", "\0\0\xb1\x8f"s) +
                                png_chunk("IHDR", png_ihdr(4, 4)) + png_chunk("IDAT", "x") + png_chunk("IEND", "")},
    {"png IHDR with length 14", png_signature + png_chunk("IHDR", png_ihdr(4, 4) + "x") +
                                  png_chunk("IDAT", "x") + png_chunk("IEND", "")},
    {"png second IHDR", png_signature + png_chunk("IHDR", png_ihdr(4, 4)) + png_chunk("IHDR", png_ihdr(4, 4)) +
                          png_chunk("IDAT", "x") + png_chunk("IEND", "")},
    {"png without IDAT", without_idat},
    {"png without IEND", png_signature + png_chunk("IHDR", png_ihdr(4, 4)) + png_chunk("IDAT", "x")},
    {"png chunk length past the end", chunk_past_end},
    // JPEG
    {"jpeg SOI then garbage", jpeg_soi + "garbage garbage garbage"},
    {"jpeg SOI only", jpeg_soi},
    {"jpeg SOI and EOI", jpeg_soi + "\xff\xd9"s},
    {"jpeg SOS before SOF", jpeg_soi + jpeg_app0 + jpeg_sos + jpeg_segment(0xC0, sof_payload(8, 8)) + jpeg_tail},
    {"jpeg no SOS", jpeg_app_sof},
    {"jpeg no SOS, ends in fill bytes", jpeg_app_sof + "\xff\xff"s},
    {"jpeg zero width", make_jpeg(0, 8)},
    {"jpeg zero height", make_jpeg(8, 0)},
    {"jpeg no components", jpeg_soi + jpeg_segment(0xC0, sof_payload(8, 8, 0)) + jpeg_sos},
    {"jpeg SOF length not matching components",
     jpeg_soi + jpeg_segment(0xC0, sof_payload(8, 8, 3) + "xyz") + jpeg_sos},
    {"jpeg SOF too short", jpeg_soi + jpeg_segment(0xC0, "\x08\0\x08\0"s) + jpeg_sos},
    {"jpeg segment length past the end", jpeg_soi + "\xff\xe0\x40\x00JFIF"s},
    {"jpeg segment length 1", jpeg_soi + "\xff\xe0\x00\x01"s + jpeg_segment(0xC0, sof_payload(8, 8)) + jpeg_sos},
    {"jpeg length cut in half", jpeg_soi + "\xff\xe0\x00"s},
    {"jpeg bytes between segments", jpeg_soi + jpeg_app0 + "x" + jpeg_segment(0xC0, sof_payload(8, 8)) + jpeg_sos},
    {"jpeg stuffed zero as a marker", jpeg_soi + "\xff\x00"s + jpeg_segment(0xC0, sof_payload(8, 8)) + jpeg_sos},
    {"jpeg second SOI", jpeg_soi + jpeg_soi + jpeg_segment(0xC0, sof_payload(8, 8)) + jpeg_sos},
    {"jpeg two frames", jpeg_soi + jpeg_segment(0xC0, sof_payload(8, 8)) + jpeg_segment(0xC2, sof_payload(9, 9)) +
                          jpeg_sos},
    // WebP
    {"riff header only", "RIFF\x04\0\0\0WEBP"s},
    {"riff of another kind", "RIFF\x0c\0\0\0WAVEfmt \0\0\0\0"s},
    {"riff size past the end", long_riff},
    {"riff size short of the data", short_riff},
    {"chunk size past the riff", vp8_size_past_riff},
    {"webp unknown first chunk", riff_webp(riff_chunk("ALPH", "abcdefghijkl"))},
    {"vp8 without start code", webp_lossy("\x10\0\0\x9d\x01\x2b\x10\0\x10\0abc"s)},
    {"vp8 not a key frame", webp_lossy(vp8_payload(16, 16, 0x11))},
    {"vp8 zero width", webp_lossy(vp8_payload(0, 16))},
    {"vp8 zero height (only scale bits)", webp_lossy(vp8_payload(16, 0xC000))},
    {"vp8 payload too short", webp_lossy(vp8_payload(16, 16).substr(0, 9))},
    {"vp8 partition past the chunk", webp_lossy(vp8_payload(16, 16).substr(0, 11))},
    {"vp8l bad signature", riff_webp(riff_chunk("VP8L", "\x2e\0\0\0\0"s))},
    {"vp8l bad version", riff_webp(riff_chunk("VP8L", "\x2f\0\0\0\x20"s))},
    {"vp8l too short", riff_webp(riff_chunk("VP8L", "\x2f\0\0\0"s))},
    {"vp8x without image chunk", riff_webp(riff_chunk("VP8X", vp8x_payload(10, 10)) + riff_chunk("EXIF", "x"))},
    {"vp8x too short", riff_webp(riff_chunk("VP8X", vp8x_payload(10, 10).substr(0, 9)) +
                                 riff_chunk("VP8L", vp8l_payload(10, 10)))},
    {"vp8x area over 2^32-1", riff_webp(riff_chunk("VP8X", vp8x_payload(1 << 24, 1 << 24)) +
                                        riff_chunk("VP8L", vp8l_payload(10, 10)))},
  }));
  CAPTURE(name);
  CHECK_FALSE(sniff_image(bytes));
}

TEST_CASE("sniffer: every single-byte change of a valid file is survived", "[model]") {
  // No assertion on the verdict; this runs every reader over near-valid input
  // (under sanitizers in the fuzz build, plain here).
  for (const auto& bytes : {make_png(3, 3), make_jpeg(3, 3), riff_webp(riff_chunk("VP8 ", vp8_payload(3, 3))),
                            riff_webp(riff_chunk("VP8X", vp8x_payload(3, 3)) + riff_chunk("VP8L", vp8l_payload(3, 3)))}) {
    for (size_t i = 0; i < bytes.size(); ++i)
      for (int v : {0x00, 0xff, 0x7f, 0x80}) {
        std::string changed = bytes;
        changed[i] = static_cast<char>(v);
        auto info = sniff_image(changed);
        if (info) {
          CHECK(info->width > 0);
          CHECK(info->height > 0);
        }
      }
  }
}

TEST_CASE("sniffer: extensions and MIME types", "[model]") {
  CHECK(std::string{extension(image_format::jpeg)} == "jpg");
  CHECK(std::string{extension(image_format::png)} == "png");
  CHECK(std::string{extension(image_format::webp)} == "webp");
  CHECK(std::string{mime_type(image_format::jpeg)} == "image/jpeg");
  CHECK(std::string{mime_type(image_format::png)} == "image/png");
  CHECK(std::string{mime_type(image_format::webp)} == "image/webp");
}
