#include <catch2/catch.hpp>

#include "model/allocation.hpp"

using namespace khaacho::model;

namespace {

std::vector<stock_offer> offers() {
  return {
    {"w-low", 0.50, 10.0, 1000},
    {"w-best-dear", 0.95, 30.0, 8},
    {"w-best-cheap", 0.95, 20.0, 5},
    {"w-empty", 0.99, 1.0, 0},
    {"w-mid", 0.80, 15.0, 50},
    {"w-6", 0.40, 15.0, 50},
    {"w-7", 0.30, 15.0, 50},
  };
}

}  // namespace

TEST_CASE("ranking keeps stocked offers, most reliable first, price then stock break ties",
          "[allocation]") {
  auto ranked = rank_offers(offers());
  REQUIRE(ranked.size() == 5);
  CHECK(ranked[0].wholesaler_id == "w-best-cheap");
  CHECK(ranked[1].wholesaler_id == "w-best-dear");
  CHECK(ranked[2].wholesaler_id == "w-mid");
  CHECK(ranked[3].wholesaler_id == "w-low");
  CHECK(ranked[4].wholesaler_id == "w-6");
  for (const auto& o : ranked)
    CHECK(o.wholesaler_id != "w-empty");
}

TEST_CASE("equal reliability and price prefer the larger stock", "[allocation]") {
  auto ranked = rank_offers({{"a", 0.9, 10, 5}, {"b", 0.9, 10, 9}});
  CHECK(ranked[0].wholesaler_id == "b");
}

TEST_CASE("the most reliable wholesaler that covers the quantity alone gets all of it",
          "[allocation]") {
  auto ranked = rank_offers(offers());
  auto plan = allocate(7, ranked);
  REQUIRE(plan.lines.size() == 1);
  CHECK(plan.lines[0].wholesaler_id == "w-best-dear");
  CHECK(plan.lines[0].quantity == 7);
  CHECK(plan.lines[0].rank == 2);
  CHECK(plan.lines[0].unit_price == 30.0);
  CHECK(plan.shortfall == 0);
}

TEST_CASE("a quantity nobody covers alone is split down the list", "[allocation]") {
  auto ranked = rank_offers({{"a", 0.9, 10, 5}, {"b", 0.8, 10, 3}, {"c", 0.7, 10, 4}});
  auto plan = allocate(10, ranked);
  REQUIRE(plan.lines.size() == 3);
  CHECK(plan.lines[0].quantity == 5);
  CHECK(plan.lines[1].quantity == 3);
  CHECK(plan.lines[2].quantity == 2);
  CHECK(plan.shortfall == 0);
}

TEST_CASE("what the ranked offers cannot cover is the shortfall", "[allocation]") {
  auto ranked = rank_offers({{"a", 0.9, 10, 5}, {"b", 0.8, 10, 3}});
  auto plan = allocate(10.5, ranked);
  REQUIRE(plan.lines.size() == 2);
  CHECK(plan.shortfall == Approx(2.5));
  auto none = allocate(4, {});
  CHECK(none.lines.empty());
  CHECK(none.shortfall == 4);
}

TEST_CASE("an unmeasured amount goes whole to the best stocked wholesaler", "[allocation]") {
  auto ranked = rank_offers(offers());
  auto plan = allocate_unmeasured(5, ranked);
  REQUIRE(plan.lines.size() == 1);
  CHECK(plan.lines[0].wholesaler_id == "w-best-cheap");
  CHECK(plan.lines[0].quantity == 5);
  CHECK(allocate_unmeasured(5, {}).shortfall == 5);
}
