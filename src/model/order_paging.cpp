#include "model/order_paging.hpp"

#include <array>
#include <charconv>

#include "model/uuid.hpp"

namespace khaacho::model {

namespace {

// "c1<micros>_<uuid without dashes>": short and URL-safe; the version prefix
// lets a later format coexist, and decoding refuses anything else.
constexpr std::string_view prefix = "c1";

}  // namespace

std::string encode_cursor(const order_cursor& c) {
  std::string out{prefix};
  out += std::to_string(c.created_at_us);
  out += '_';
  for (char ch : c.id)
    if (ch != '-')
      out += ch;
  return out;
}

std::optional<order_cursor> decode_cursor(std::string_view text) {
  if (text.size() > 64 || text.substr(0, prefix.size()) != prefix)
    return std::nullopt;
  text.remove_prefix(prefix.size());
  auto sep = text.find('_');
  if (sep == std::string_view::npos || sep == 0 || sep > 19)
    return std::nullopt;
  order_cursor c;
  auto digits = text.substr(0, sep);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), c.created_at_us);
  if (ec != std::errc{} || end != digits.data() + digits.size() || c.created_at_us < 0)
    return std::nullopt;
  auto hex = text.substr(sep + 1);
  if (hex.size() != 32)
    return std::nullopt;
  for (size_t i = 0; i < hex.size(); ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20)
      c.id += '-';
    c.id += hex[i];
  }
  if (!is_uuid(c.id))
    return std::nullopt;
  c.id = lowercase_uuid(c.id);
  return c;
}

std::optional<std::string> parse_order_status(std::string_view text) {
  static constexpr std::array<std::string_view, 4> statuses = {"PROCESSING", "COMPLETED",
                                                               "PENDING_REVIEW", "FAILED"};
  for (auto s : statuses)
    if (s == text)
      return std::string{s};
  return std::nullopt;
}

std::string order_image_key(std::string_view utc_date, std::string_view order_id,
                            std::string_view extension) {
  std::string key = "orders/";
  key += utc_date;
  key += "_order_";
  key += order_id;
  key += '.';
  key += extension;
  return key;
}

}  // namespace khaacho::model
