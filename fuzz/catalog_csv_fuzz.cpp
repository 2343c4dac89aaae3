// libFuzzer target: the catalog CSV parsers (products, wholesalers, stock) of
// the catalog import. The first byte picks the file; the three parsed
// together then go through the cross-file reference check.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "model/catalog_records.hpp"
#include "model/csv_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  std::string_view text{reinterpret_cast<const char*>(data) + 1, size - 1};
  using namespace khaacho::model;
  (void) parse_csv(text);
  auto products = parse_products(data[0] % 3 == 0 ? text : std::string_view{"id,sku,name,unit\n"});
  auto wholesalers = parse_wholesalers(data[0] % 3 == 1 ? text : std::string_view{});
  auto stock = parse_stock(data[0] % 3 == 2 ? text : std::string_view{});
  // A result lists at most max_listed_errors errors and one line counting the rest.
  for (size_t n : {products.errors.size(), wholesalers.errors.size(), stock.errors.size()})
    if (n > max_listed_errors + 1)
      std::abort();
  for (const auto& p : products.records)
    if (!is_catalog_unit(p.unit) || (p.pack && !is_catalog_unit(p.pack->unit)))
      std::abort();  // a record that passed has canonical units
  for (const auto& s : stock.records)
    if (s.stock_qty < 0 || s.unit_price_paisa < 0)
      std::abort();
    else
      (void) s.unit_price_text();
  (void) check_stock_references(stock.records, products.records, wholesalers.records);
  return 0;
}
