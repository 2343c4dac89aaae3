// The catalog CSV files of data/catalog/README.md (products, wholesalers,
// stock), parsed and validated into records. No I/O: callers pass the text.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace khaacho::model {

/// The canonical units, in the order of data/catalog/README.md.
const std::array<std::string_view, 15>& catalog_units() noexcept;

/// True if `unit` is one of the canonical units (exact spelling, lower case).
bool is_catalog_unit(std::string_view unit) noexcept;

/// Contents of one sales unit of a product: "1.25 l" is {"1.25", 1.25, "l"}.
struct pack_size {
  std::string amount;  ///< decimal text as written, so the database stores it exactly
  double value = 0;
  std::string unit;  ///< a canonical unit
};

/// One row of products.csv.
struct product_record {
  size_t line = 0;  ///< where the row starts in its file
  std::string id;   ///< lower-case UUID
  std::string sku;
  std::string name;
  std::string unit;                ///< a canonical unit
  std::optional<pack_size> pack;   ///< none for loose goods and unsized items
  std::string pack_size_text;      ///< the column as written (trimmed); empty when blank
  std::string category;            ///< snake_case, e.g. "edible_oil"
  std::vector<std::string> aliases;  ///< trimmed, non-empty, no repeats (ASCII case-insensitive)
};

/// One row of wholesalers.csv.
struct wholesaler_record {
  size_t line = 0;
  std::string id;  ///< lower-case UUID
  std::string name;
  std::string phone;                 ///< E.164, e.g. "+9779812345678"
  std::optional<std::string> email;  ///< none when blank
  std::string city;                  ///< empty when blank
  double reliability_score = 0;      ///< 0..1, at most two decimals
  bool whatsapp_opt_in = false;
};

/// One row of stock.csv.
struct stock_record {
  size_t line = 0;
  std::string wholesaler_id;  ///< lower-case UUID
  std::string product_id;     ///< lower-case UUID
  int32_t stock_qty = 0;      ///< in the product's unit, >= 0
  int64_t unit_price_paisa = 0;  ///< NPR x 100: exact, unlike a double

  /// The price as decimal text with two decimals, e.g. "25.84".
  std::string unit_price_text() const;
};

/// Records of one file, or what is wrong with it. Every error names the file
/// and line ("products.csv:12: column 'unit': \"kgs\" is not a canonical
/// unit ..."); rows with errors are left out of `records`.
template <class Record>
struct csv_parse_result {
  std::vector<Record> records;
  std::vector<std::string> errors;
  bool ok() const noexcept { return errors.empty(); }
};

/// At most this many errors are listed per file; one more line counts the rest.
constexpr size_t max_listed_errors = 50;

/// Parses products.csv: every id a UUID and unique, sku unique, unit canonical,
/// pack_size blank or "<number> <canonical unit>", aliases split on '|'.
csv_parse_result<product_record> parse_products(std::string_view content,
                                                std::string_view file_name = "products.csv");

/// Parses wholesalers.csv: ids unique, phone E.164, reliability 0..1,
/// whatsapp_opt_in true/false.
csv_parse_result<wholesaler_record> parse_wholesalers(std::string_view content,
                                                      std::string_view file_name
                                                      = "wholesalers.csv");

/// Parses stock.csv: ids are UUIDs, (wholesaler, product) unique, stock a
/// non-negative integer, price a non-negative amount with at most two decimals.
csv_parse_result<stock_record> parse_stock(std::string_view content,
                                           std::string_view file_name = "stock.csv");

/// Cross-file check: every stock row names a product of `products` and a
/// wholesaler of `wholesalers`. Errors name the stock file's lines.
std::vector<std::string> check_stock_references(const std::vector<stock_record>& stock,
                                                const std::vector<product_record>& products,
                                                const std::vector<wholesaler_record>& wholesalers,
                                                std::string_view stock_file = "stock.csv");

}  // namespace khaacho::model
