// The EXIF Orientation tag (1..8) of a JPEG, read from its APP1 segment.
// Phones store photos sideways and set this tag; an OCR that ignores it reads
// the list rotated by 90 degrees. Pure; bounded reads on any input.
#pragma once

#include <string_view>

namespace khaacho::model {

/// 1..8 from the first APP1 Exif segment, or 1 when absent or unreadable.
int exif_orientation(std::string_view jpeg) noexcept;

}  // namespace khaacho::model
