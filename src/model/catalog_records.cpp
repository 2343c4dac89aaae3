// Validation of the catalog CSV files, one row at a time, then across rows
// (duplicates) and across files (stock references).
#include "model/catalog_records.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <limits>
#include <utility>

#include "model/csv_reader.hpp"
#include "model/uuid.hpp"

namespace khaacho::model {

namespace {

constexpr std::array<std::string_view, 15> units = {
  "kg", "g", "l", "ml", "pcs", "packet", "carton", "dozen", "bottle",
  "box", "bag", "can", "jar", "bundle", "tray"};

std::string units_list() {
  std::string out;
  for (auto u : units) {
    if (!out.empty())
      out += ", ";
    out += u;
  }
  return out;
}

/// A value quoted for an error message, cut at a UTF-8 character boundary
/// so that a whole mangled column does not flood the message.
std::string quoted(std::string_view value) {
  constexpr size_t max_bytes = 60;
  std::string out = "\"";
  if (value.size() <= max_bytes) {
    out.append(value);
  } else {
    size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80)
      --cut;
    out.append(value.substr(0, cut));
    out += "...";
  }
  out += '"';
  return out;
}

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// "12" or "12.5": digits, optionally a point and more digits; no sign, no exponent.
struct decimal_parts {
  std::string_view whole;
  std::string_view fraction;
};

std::optional<decimal_parts> split_decimal(std::string_view s) noexcept {
  auto point = s.find('.');
  decimal_parts parts{s.substr(0, point), {}};
  if (point != std::string_view::npos) {
    parts.fraction = s.substr(point + 1);
    if (!all_digits(parts.fraction))
      return std::nullopt;
  }
  if (!all_digits(parts.whole))
    return std::nullopt;
  return parts;
}

std::optional<double> to_double(std::string_view s) noexcept {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size())
    return std::nullopt;
  return v;
}

std::string ascii_lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_snake_case(std::string_view s) noexcept {
  if (s.empty() || s[0] < 'a' || s[0] > 'z')
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool is_e164(std::string_view s) noexcept {
  return s.size() >= 9 && s.size() <= 16 && s[0] == '+' && s[1] != '0' && all_digits(s.substr(1));
}

bool is_email(std::string_view s) noexcept {
  auto at = s.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < s.size()
         && s.find('@', at + 1) == std::string_view::npos
         && s.find_first_of(" \t\r\n") == std::string_view::npos;
}

/// UUID text as two 64-bit halves: sorting and searching 800,000 of these is
/// far cheaper than comparing strings. Precondition: is_uuid(text).
struct uuid_key {
  uint64_t hi = 0;
  uint64_t lo = 0;
  friend bool operator<(const uuid_key& a, const uuid_key& b) noexcept {
    return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo;
  }
  friend bool operator==(const uuid_key& a, const uuid_key& b) noexcept {
    return a.hi == b.hi && a.lo == b.lo;
  }
};

uuid_key key_of(std::string_view id) noexcept {
  uuid_key k;
  int nibbles = 0;
  for (char c : id) {
    if (c == '-')
      continue;
    uint64_t v = c <= '9' ? uint64_t(c - '0') : uint64_t((c | 0x20) - 'a' + 10);
    uint64_t& half = nibbles < 16 ? k.hi : k.lo;
    half = (half << 4) | v;
    ++nibbles;
  }
  return k;
}

/// Collects "file:line: message" errors; sorted by line, the first
/// `max_listed_errors` listed and the rest counted.
class error_log {
public:
  explicit error_log(std::string_view file) : file_(file) {}

  void add(size_t line, std::string message) { entries_.emplace_back(line, std::move(message)); }

  void column(size_t line, std::string_view column, const std::string& message) {
    add(line, "column '" + std::string{column} + "': " + message);
  }

  bool empty() const noexcept { return entries_.empty(); }

  std::vector<std::string> finish() {
    std::stable_sort(entries_.begin(), entries_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    size_t listed = std::min(entries_.size(), max_listed_errors);
    out.reserve(listed + 1);
    for (size_t i = 0; i < listed; ++i)
      out.push_back(std::string{file_} + ":" + std::to_string(entries_[i].first) + ": "
                    + entries_[i].second);
    if (entries_.size() > listed)
      out.push_back(std::string{file_} + ": " + std::to_string(entries_.size() - listed)
                    + " more errors not listed");
    return out;
  }

private:
  std::string_view file_;
  std::vector<std::pair<size_t, std::string>> entries_;
};

/// The trimmed fields of one data row, by required column.
class row_view {
public:
  row_view(const std::vector<std::string>& fields, const std::vector<size_t>& positions,
           size_t line, error_log& log)
    : fields_(fields), positions_(positions), line_(line), log_(log) {}

  std::string_view operator[](size_t column) const {
    return trim_blanks(fields_[positions_[column]]);
  }
  size_t line() const noexcept { return line_; }
  void error(std::string_view column, const std::string& message) {
    log_.column(line_, column, message);
    ok_ = false;
  }
  bool ok() const noexcept { return ok_; }

private:
  const std::vector<std::string>& fields_;
  const std::vector<size_t>& positions_;
  size_t line_;
  error_log& log_;
  bool ok_ = true;
};

/// Reads the header, checks it has `columns`, then hands every row of the
/// right width to `parse_row` (which returns a record or nullopt).
template <class Record, size_t N, class ParseRow>
void parse_rows(std::string_view content, const std::array<std::string_view, N>& columns,
                error_log& log, std::vector<Record>& records, ParseRow parse_row) {
  csv_reader reader{content};
  std::vector<std::string> fields;
  if (!reader.next(fields)) {
    if (auto& e = reader.error())
      log.add(e->line, e->message);
    else
      log.add(1, "the file is empty: expected a header row");
    return;
  }
  csv_columns header{fields};
  if (header.duplicate())
    log.add(reader.record_line(),
            "column '" + *header.duplicate() + "' appears twice in the header");
  std::vector<size_t> positions;
  for (auto name : columns) {
    if (auto pos = header.find(name))
      positions.push_back(*pos);
    else
      log.add(reader.record_line(), "missing column '" + std::string{name} + "'");
  }
  if (!log.empty())
    return;
  while (reader.next(fields)) {
    if (fields.size() != header.size()) {
      log.add(reader.record_line(), "expected " + std::to_string(header.size())
                                      + " fields as in the header, found "
                                      + std::to_string(fields.size()));
      continue;
    }
    row_view row{fields, positions, reader.record_line(), log};
    if (auto record = parse_row(row); record && row.ok())
      records.push_back(std::move(*record));
  }
  if (auto& e = reader.error())
    log.add(e->line, e->message);
}

/// Reports every record after the first that shares a key with an earlier one.
template <class Record, class Key, class KeyOf, class Describe>
void report_duplicates(const std::vector<Record>& records, KeyOf key_of_record,
                       error_log& log, std::string_view column, Describe describe) {
  std::vector<std::pair<Key, size_t>> keys;
  keys.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i)
    keys.emplace_back(key_of_record(records[i]), i);
  // Records are in line order, so within equal keys the smallest index came first.
  std::sort(keys.begin(), keys.end());
  for (size_t i = 1; i < keys.size(); ++i) {
    if (keys[i].first == keys[i - 1].first) {
      size_t first = i - 1;
      while (first > 0 && keys[first - 1].first == keys[i].first)
        --first;
      const auto& dup = records[keys[i].second];
      log.column(dup.line, column,
                 "duplicate " + describe(dup) + ", first on line "
                   + std::to_string(records[keys[first].second].line));
    }
  }
}

bool parse_id(row_view& row, size_t column, std::string_view name, std::string& out) {
  auto value = row[column];
  if (!is_uuid(value)) {
    row.error(name, value.empty() ? std::string{"must not be blank"}
                                  : quoted(value) + " is not a UUID");
    return false;
  }
  out = lowercase_uuid(value);
  return true;
}

void require_text(row_view& row, size_t column, std::string_view name, std::string& out) {
  auto value = row[column];
  if (value.empty())
    row.error(name, "must not be blank");
  out = std::string{value};
}

std::optional<pack_size> parse_pack_size(row_view& row, std::string_view text) {
  auto space = text.find_first_of(" \t");
  if (space == std::string_view::npos) {
    row.error("pack_size", quoted(text) + " is not \"<number> <unit>\", e.g. \"75 g\"");
    return std::nullopt;
  }
  auto amount = text.substr(0, space);
  auto unit = trim_blanks(text.substr(space));
  auto parts = split_decimal(amount);
  auto value = parts ? to_double(amount) : std::nullopt;
  if (!value || unit.find_first_of(" \t") != std::string_view::npos) {
    row.error("pack_size", quoted(text) + " is not \"<number> <unit>\", e.g. \"75 g\"");
    return std::nullopt;
  }
  if (*value <= 0) {
    row.error("pack_size", quoted(text) + ": the amount must be greater than 0");
    return std::nullopt;
  }
  if (!is_catalog_unit(unit)) {
    row.error("pack_size", quoted(text) + ": " + quoted(unit) + " is not a canonical unit ("
                             + units_list() + ")");
    return std::nullopt;
  }
  return pack_size{std::string{amount}, *value, std::string{unit}};
}

std::vector<std::string> split_aliases(std::string_view text) {
  std::vector<std::string> out;
  std::vector<std::string> seen;  // a handful per product: a linear scan is fastest
  size_t start = 0;
  while (start <= text.size()) {
    auto bar = text.find('|', start);
    auto piece = trim_blanks(text.substr(start, bar == std::string_view::npos ? text.npos
                                                                               : bar - start));
    if (!piece.empty()) {
      auto folded = ascii_lower(piece);
      if (std::find(seen.begin(), seen.end(), folded) == seen.end()) {
        seen.push_back(std::move(folded));
        out.emplace_back(piece);
      }
    }
    if (bar == std::string_view::npos)
      break;
    start = bar + 1;
  }
  return out;
}

}  // namespace

const std::array<std::string_view, 15>& catalog_units() noexcept {
  return units;
}

bool is_catalog_unit(std::string_view unit) noexcept {
  return std::find(units.begin(), units.end(), unit) != units.end();
}

std::string stock_record::unit_price_text() const {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%lld.%02lld", static_cast<long long>(unit_price_paisa / 100),
                static_cast<long long>(unit_price_paisa % 100));
  return buf;
}

csv_parse_result<product_record> parse_products(std::string_view content,
                                                std::string_view file_name) {
  enum : size_t { id, sku, name, unit, pack, category, aliases };
  static constexpr std::array<std::string_view, 7> columns = {
    "id", "sku", "name", "unit", "pack_size", "category", "aliases"};
  csv_parse_result<product_record> result;
  error_log log{file_name};
  parse_rows(content, columns, log, result.records,
             [&](row_view& row) -> std::optional<product_record> {
               product_record r;
               r.line = row.line();
               parse_id(row, id, "id", r.id);
               require_text(row, sku, "sku", r.sku);
               if (r.sku.find_first_of(" \t\r\n") != std::string::npos)
                 row.error("sku", quoted(r.sku) + " must not contain spaces");
               require_text(row, name, "name", r.name);
               r.unit = std::string{row[unit]};
               if (!is_catalog_unit(r.unit))
                 row.error("unit", quoted(r.unit) + " is not a canonical unit (" + units_list()
                                     + ")");
               r.pack_size_text = std::string{row[pack]};
               if (!r.pack_size_text.empty())
                 r.pack = parse_pack_size(row, r.pack_size_text);
               r.category = std::string{row[category]};
               if (!is_snake_case(r.category))
                 row.error("category", r.category.empty()
                                         ? std::string{"must not be blank"}
                                         : quoted(r.category) + " is not a snake_case category");
               r.aliases = split_aliases(row[aliases]);
               return r;
             });
  report_duplicates<product_record, uuid_key>(
    result.records, [](const product_record& r) { return key_of(r.id); }, log, "id",
    [](const product_record& r) { return "id " + r.id; });
  report_duplicates<product_record, std::string_view>(
    result.records, [](const product_record& r) { return std::string_view{r.sku}; }, log, "sku",
    [](const product_record& r) { return "sku " + quoted(r.sku); });
  result.errors = log.finish();
  return result;
}

csv_parse_result<wholesaler_record> parse_wholesalers(std::string_view content,
                                                      std::string_view file_name) {
  enum : size_t { id, name, phone, email, city, reliability, whatsapp };
  static constexpr std::array<std::string_view, 7> columns = {
    "id", "name", "phone", "email", "city", "reliability_score", "whatsapp_opt_in"};
  csv_parse_result<wholesaler_record> result;
  error_log log{file_name};
  parse_rows(content, columns, log, result.records,
             [&](row_view& row) -> std::optional<wholesaler_record> {
               wholesaler_record r;
               r.line = row.line();
               parse_id(row, id, "id", r.id);
               require_text(row, name, "name", r.name);
               r.phone = std::string{row[phone]};
               if (!is_e164(r.phone))
                 row.error("phone", quoted(r.phone)
                                      + " is not an E.164 number (+ and 8 to 15 digits)");
               if (auto e = row[email]; !e.empty()) {
                 if (is_email(e))
                   r.email = std::string{e};
                 else
                   row.error("email", quoted(e) + " is not an e-mail address");
               }
               r.city = std::string{row[city]};
               auto score = row[reliability];
               auto parts = split_decimal(score);
               auto value = parts ? to_double(score) : std::nullopt;
               if (!value)
                 row.error("reliability_score", quoted(score) + " is not a decimal number");
               else if (*value > 1)
                 row.error("reliability_score", quoted(score) + " is not between 0 and 1");
               else if (parts->fraction.size() > 2)
                 row.error("reliability_score", quoted(score) + " has more than two decimals");
               else
                 r.reliability_score = *value;
               auto opt_in = ascii_lower(row[whatsapp]);
               if (opt_in == "true")
                 r.whatsapp_opt_in = true;
               else if (opt_in != "false")
                 row.error("whatsapp_opt_in", quoted(row[whatsapp]) + " is not true or false");
               return r;
             });
  report_duplicates<wholesaler_record, uuid_key>(
    result.records, [](const wholesaler_record& r) { return key_of(r.id); }, log, "id",
    [](const wholesaler_record& r) { return "id " + r.id; });
  result.errors = log.finish();
  return result;
}

csv_parse_result<stock_record> parse_stock(std::string_view content, std::string_view file_name) {
  enum : size_t { wholesaler, product, qty, price };
  static constexpr std::array<std::string_view, 4> columns = {
    "wholesaler_id", "product_id", "stock_qty", "unit_price_npr"};
  csv_parse_result<stock_record> result;
  error_log log{file_name};
  parse_rows(content, columns, log, result.records,
             [&](row_view& row) -> std::optional<stock_record> {
               stock_record r;
               r.line = row.line();
               parse_id(row, wholesaler, "wholesaler_id", r.wholesaler_id);
               parse_id(row, product, "product_id", r.product_id);
               auto q = row[qty];
               int64_t n = -1;
               if (all_digits(q) && q.size() <= 10)
                 std::from_chars(q.data(), q.data() + q.size(), n);
               if (n < 0 || n > std::numeric_limits<int32_t>::max())
                 row.error("stock_qty", quoted(q) + " is not a non-negative integer below 2^31");
               else
                 r.stock_qty = static_cast<int32_t>(n);
               auto p = row[price];
               auto parts = split_decimal(p);
               // numeric(12,2) holds ten digits before the point.
               if (!parts || parts->fraction.size() > 2 || parts->whole.size() > 10) {
                 row.error("unit_price_npr",
                           quoted(p) + " is not an amount in rupees with at most two decimals");
               } else {
                 int64_t whole = 0;
                 int64_t cents = 0;
                 std::from_chars(parts->whole.data(), parts->whole.data() + parts->whole.size(),
                                 whole);
                 if (!parts->fraction.empty())
                   std::from_chars(parts->fraction.data(),
                                   parts->fraction.data() + parts->fraction.size(), cents);
                 if (parts->fraction.size() == 1)
                   cents *= 10;
                 r.unit_price_paisa = whole * 100 + cents;
               }
               return r;
             });
  using pair_key = std::pair<uuid_key, uuid_key>;
  report_duplicates<stock_record, pair_key>(
    result.records,
    [](const stock_record& r) { return pair_key{key_of(r.wholesaler_id), key_of(r.product_id)}; },
    log, "product_id",
    [](const stock_record& r) {
      return "row for wholesaler " + r.wholesaler_id + " and product " + r.product_id;
    });
  result.errors = log.finish();
  return result;
}

std::vector<std::string> check_stock_references(const std::vector<stock_record>& stock,
                                                const std::vector<product_record>& products,
                                                const std::vector<wholesaler_record>& wholesalers,
                                                std::string_view stock_file) {
  auto sorted_keys = [](const auto& records) {
    std::vector<uuid_key> keys;
    keys.reserve(records.size());
    for (const auto& r : records)
      keys.push_back(key_of(r.id));
    std::sort(keys.begin(), keys.end());
    return keys;
  };
  auto product_keys = sorted_keys(products);
  auto wholesaler_keys = sorted_keys(wholesalers);
  error_log log{stock_file};
  for (const auto& s : stock) {
    auto wholesaler = key_of(s.wholesaler_id);
    if (!std::binary_search(wholesaler_keys.begin(), wholesaler_keys.end(), wholesaler))
      log.column(s.line, "wholesaler_id", s.wholesaler_id + " is not in wholesalers.csv");
    if (!std::binary_search(product_keys.begin(), product_keys.end(), key_of(s.product_id)))
      log.column(s.line, "product_id", s.product_id + " is not in products.csv");
  }
  return log.finish();
}

}  // namespace khaacho::model
