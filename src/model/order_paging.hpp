// The order list's keyset cursor and the names of stored images. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace khaacho::model {

/// Position after the last order of a page: orders are listed newest first
/// by (created_at, id), so the next page starts strictly below this pair.
struct order_cursor {
  int64_t created_at_us = 0;  ///< microseconds since the Unix epoch
  std::string id;             ///< lower-case UUID
};

/// Opaque text for clients (URL-safe, no padding).
std::string encode_cursor(const order_cursor& c);

/// nullopt for anything encode_cursor did not produce.
std::optional<order_cursor> decode_cursor(std::string_view text);

/// The API's order statuses; nullopt for anything else.
std::optional<std::string> parse_order_status(std::string_view text);

/// `orders/<YYYY-MM-DD>_order_<id>.<ext>` for an upload on `utc_date`.
std::string order_image_key(std::string_view utc_date, std::string_view order_id,
                            std::string_view extension);

}  // namespace khaacho::model
