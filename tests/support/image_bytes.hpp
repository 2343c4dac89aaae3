// Hand-built image bytes: big-endian fields, PNG chunks with their CRC,
// JPEG marker segments, and tiny images whose headers declare huge
// dimensions (what a decompression bomb looks like to a server that trusts
// the header).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace khaacho::test {

void put_be16(std::string& s, uint32_t v);
void put_be32(std::string& s, uint32_t v);

/// length, type, data and a CRC-32 computed bit by bit (independent of the
/// sniffer's table-driven one).
std::string png_chunk(std::string_view type, std::string_view data);

/// 0xFF, `marker`, the big-endian length, `payload`.
std::string jpeg_segment(uint8_t marker, std::string_view payload);

/// A PNG of a few dozen bytes whose header declares `w` x `h` pixels.
std::string bomb_png(uint32_t w, uint32_t h);

/// A small baseline JPEG whose SOF declares `w` x `h` pixels.
std::string bomb_jpeg(uint32_t w, uint32_t h);

}  // namespace khaacho::test
