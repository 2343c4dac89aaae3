#include "model/allocation.hpp"

#include <algorithm>

namespace khaacho::model {

std::vector<stock_offer> rank_offers(std::vector<stock_offer> offers, size_t top) {
  offers.erase(std::remove_if(offers.begin(), offers.end(),
                              [](const stock_offer& o) { return o.stock <= 0; }),
               offers.end());
  std::sort(offers.begin(), offers.end(), [](const stock_offer& a, const stock_offer& b) {
    if (a.reliability != b.reliability)
      return a.reliability > b.reliability;
    if (a.unit_price != b.unit_price)
      return a.unit_price < b.unit_price;
    if (a.stock != b.stock)
      return a.stock > b.stock;
    return a.wholesaler_id < b.wholesaler_id;  // a stable answer across runs
  });
  if (offers.size() > top)
    offers.resize(top);
  return offers;
}

allocation_plan allocate(double quantity, const std::vector<stock_offer>& ranked) {
  allocation_plan plan;
  for (size_t i = 0; i < ranked.size(); ++i)
    if (static_cast<double>(ranked[i].stock) >= quantity) {
      plan.lines.push_back({ranked[i].wholesaler_id, quantity, static_cast<int>(i + 1),
                            ranked[i].unit_price});
      return plan;
    }
  double left = quantity;
  for (size_t i = 0; i < ranked.size() && left > 0; ++i) {
    double take = std::min(left, static_cast<double>(ranked[i].stock));
    plan.lines.push_back({ranked[i].wholesaler_id, take, static_cast<int>(i + 1),
                          ranked[i].unit_price});
    left -= take;
  }
  plan.shortfall = std::max(0.0, left);
  return plan;
}

allocation_plan allocate_unmeasured(double quantity, const std::vector<stock_offer>& ranked) {
  allocation_plan plan;
  if (ranked.empty()) {
    plan.shortfall = quantity;
    return plan;
  }
  plan.lines.push_back({ranked.front().wholesaler_id, quantity, 1, ranked.front().unit_price});
  return plan;
}

}  // namespace khaacho::model
