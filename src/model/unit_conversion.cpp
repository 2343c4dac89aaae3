#include "model/unit_conversion.hpp"

#include <cmath>

namespace khaacho::model {

namespace {

struct measure {
  const char* dimension;
  double base;  ///< size in the dimension's base unit (g, ml, pcs)
};

std::optional<measure> measure_of(std::string_view unit) {
  if (unit == "kg") return measure{"mass", 1000};
  if (unit == "g") return measure{"mass", 1};
  if (unit == "l") return measure{"volume", 1000};
  if (unit == "ml") return measure{"volume", 1};
  if (unit == "pcs") return measure{"count", 1};
  if (unit == "dozen") return measure{"count", 12};
  return std::nullopt;
}

/// `x` if it is a whole number up to rounding noise, else nullopt: a
/// fraction of a sealed pack is not something a wholesaler can send.
std::optional<double> whole(double x) {
  double r = std::round(x);
  if (r >= 1 && std::fabs(x - r) <= 1e-6 * std::max(1.0, r))
    return r;
  return std::nullopt;
}

fitted_amount mismatch(std::string reason) {
  fitted_amount out;
  out.fit = unit_fit::mismatch;
  out.reason = std::move(reason);
  return out;
}

std::string number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

}  // namespace

bool is_measure_unit(std::string_view canonical) {
  return measure_of(canonical).has_value();
}

fitted_amount fit_amount(double quantity, std::string_view unit, const product_unit& product) {
  const std::string& punit = product.unit;
  if (unit.empty() || unit == punit)
    return {unit_fit::same, quantity, punit, ""};

  auto written = measure_of(unit);
  auto sold = measure_of(punit);
  // Both plain measures: kg and g, l and ml, pcs and dozen.
  if (written && sold) {
    if (std::string_view{written->dimension} == sold->dimension)
      return {unit_fit::converted, quantity * written->base / sold->base, punit, ""};
    return mismatch("an amount in " + std::string{unit} + " cannot be counted in " + punit);
  }
  // A packaged product: a measure converts through the pack size when it
  // comes out as whole packs.
  if (written && !sold) {
    auto pack = product.pack_size_value ? measure_of(product.pack_size_unit) : std::nullopt;
    if (pack && std::string_view{written->dimension} == pack->dimension) {
      double packs = quantity * written->base / (*product.pack_size_value * pack->base);
      if (auto n = whole(packs))
        return {unit_fit::converted, *n, punit, ""};
      // 2 dozen eggs of a tray of 30: counted goods are asked for as written.
      if (std::string_view{written->dimension} == "count")
        return {unit_fit::container, quantity, std::string{unit}, ""};
      return mismatch(number(quantity) + " " + std::string{unit} + " is not a whole number of "
                      + punit + "s of " + number(*product.pack_size_value) + " "
                      + product.pack_size_unit);
    }
    // "2 dozen soap": twelve of whatever the product is sold in.
    if (unit == "dozen")
      return {unit_fit::converted, quantity * 12, punit, ""};
    if (unit == "pcs")
      return {unit_fit::same, quantity, punit, ""};
    return mismatch("an amount in " + std::string{unit} + " does not fit a product sold by " + punit
                    + (product.pack_size_value ? " of " + number(*product.pack_size_value) + " "
                                                   + product.pack_size_unit
                                               : std::string{}));
  }
  // A container written ("carton", "bora", "packet"): its contents are not
  // in the catalog, so the wholesaler is asked in that container.
  return {unit_fit::container, quantity, std::string{unit}, ""};
}

}  // namespace khaacho::model
