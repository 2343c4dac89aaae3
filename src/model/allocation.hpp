// Supplier ranking and allocation (DESIGN.md): per product, wholesalers with
// stock, top 5 by reliability (ties: price, then stock); the quantity goes to
// the most reliable one that covers it alone, else it is split down the list;
// what nobody covers is the shortfall. Pure logic, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace khaacho::model {

struct stock_offer {
  std::string wholesaler_id;
  double reliability = 0;
  double unit_price = 0;
  int64_t stock = 0;  ///< in the product's unit
};

struct allocation_line {
  std::string wholesaler_id;
  double quantity = 0;
  int rank = 0;  ///< 1 = the most reliable of the ranked offers
  double unit_price = 0;
};

struct allocation_plan {
  std::vector<allocation_line> lines;
  double shortfall = 0;  ///< what no ranked offer could cover
};

/// The ranked offers: stock > 0, best first, at most `top`.
std::vector<stock_offer> rank_offers(std::vector<stock_offer> offers, size_t top = 5);

/// Splits `quantity` (in the product's unit) over the ranked offers.
allocation_plan allocate(double quantity, const std::vector<stock_offer>& ranked);

/// For an amount whose size in stock units is unknown (5 carton of a product
/// stocked in packets): all of it to the most reliable wholesaler with stock,
/// no shortfall known.
allocation_plan allocate_unmeasured(double quantity, const std::vector<stock_offer>& ranked);

}  // namespace khaacho::model
