// Tiny images whose headers declare huge dimensions: what a decompression
// bomb looks like to a server that trusts the header.
#pragma once

#include <cstdint>
#include <string>

namespace khaacho::test {

/// A PNG of a few dozen bytes whose header declares `w` x `h` pixels.
std::string bomb_png(uint32_t w, uint32_t h);

/// A small baseline JPEG whose SOF declares `w` x `h` pixels.
std::string bomb_jpeg(uint32_t w, uint32_t h);

}  // namespace khaacho::test
