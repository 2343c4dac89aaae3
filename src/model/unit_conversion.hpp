// Whether an amount written on an order ("20 kg", "2 dozen", "5 carton")
// can be counted in the unit a product is stocked in, and how. Stock and
// prices are per product unit, so ranking needs the amount in that unit;
// where it cannot be known exactly the item is asked for as written or
// flagged. Pure logic, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace khaacho::model {

/// What a product is sold in: its unit and, for packaged goods, the contents
/// of one unit (75 g, 1 l, 30 pcs).
struct product_unit {
  std::string unit;
  std::optional<double> pack_size_value;
  std::string pack_size_unit;
};

enum class unit_fit {
  same,       ///< no unit written, or the product's own unit
  converted,  ///< converts exactly (20 kg of a 1 kg packet = 20 packet; 500 g of a kg good = 0.5 kg)
  container,  ///< a container whose contents are unknown (5 carton of noodles): ask as written
  mismatch,   ///< cannot be the same amount (2 l of a product sold by kg): a person must look
};

struct fitted_amount {
  unit_fit fit = unit_fit::mismatch;
  double quantity = 0;  ///< in `unit`; meaningless for mismatch
  std::string unit;     ///< the product's unit (same, converted) or the written one (container)
  std::string reason;   ///< why, for mismatch (and review screens)
};

/// `quantity` of written canonical `unit` ("" when none was written) as an
/// amount of `product`.
fitted_amount fit_amount(double quantity, std::string_view unit, const product_unit& product);

/// True for the pure measures and counts (kg g l ml pcs dozen), false for
/// containers (packet carton bottle box bag can jar bundle tray).
bool is_measure_unit(std::string_view canonical);

}  // namespace khaacho::model
