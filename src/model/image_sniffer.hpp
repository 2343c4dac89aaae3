// Tells JPEG, PNG and WebP apart by their bytes, never by a declared type or
// file name, and checks enough structure that a file merely starting with a
// magic number is refused. Pure; no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace khaacho::model {

enum class image_format { jpeg, png, webp };

struct image_info {
  image_format format = image_format::jpeg;
  uint32_t width = 0;   ///< from the header; > 0
  uint32_t height = 0;  ///< from the header; > 0
};

/// The format and dimensions of a whole image file, or nullopt when the bytes
/// are not a structurally sound JPEG (SOI, well-formed marker segments up to a
/// SOF with non-zero dimensions), PNG (signature, IHDR first with non-zero
/// dimensions and a valid CRC) or WebP (RIFF size consistent with the data,
/// WEBP, a VP8/VP8L/VP8X chunk with dimensions).
std::optional<image_info> sniff_image(std::string_view bytes) noexcept;

/// "jpg", "png", "webp": the extension of stored keys.
const char* extension(image_format f) noexcept;

/// "image/jpeg", "image/png", "image/webp".
const char* mime_type(image_format f) noexcept;

}  // namespace khaacho::model
