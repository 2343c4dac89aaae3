#include <catch2/catch.hpp>

#include "model/unit_conversion.hpp"

using namespace khaacho::model;

namespace {
const product_unit sugar{"kg", std::nullopt, ""};
const product_unit salt_1kg{"packet", 1.0, "kg"};
const product_unit noodles_75g{"packet", 75.0, "g"};
const product_unit eggs_tray{"tray", 30.0, "pcs"};
const product_unit soap{"pcs", 125.0, "g"};
const product_unit oil_1l{"bottle", 1.0, "l"};
}  // namespace

TEST_CASE("no unit or the product's own unit is the same amount", "[unit_conversion]") {
  auto a = fit_amount(10, "", sugar);
  CHECK(a.fit == unit_fit::same);
  CHECK(a.unit == "kg");
  CHECK(a.quantity == 10);
  CHECK(fit_amount(5, "packet", noodles_75g).fit == unit_fit::same);
}

TEST_CASE("measures convert within their dimension", "[unit_conversion]") {
  auto a = fit_amount(500, "g", sugar);
  CHECK(a.fit == unit_fit::converted);
  CHECK(a.quantity == Approx(0.5));
  CHECK(a.unit == "kg");
  auto d = fit_amount(2, "dozen", product_unit{"pcs", std::nullopt, ""});
  CHECK(d.fit == unit_fit::converted);
  CHECK(d.quantity == 24);
}

TEST_CASE("a measure converts to whole packs through the pack size", "[unit_conversion]") {
  auto a = fit_amount(20, "kg", salt_1kg);
  CHECK(a.fit == unit_fit::converted);
  CHECK(a.quantity == 20);
  CHECK(a.unit == "packet");
  auto b = fit_amount(3, "l", oil_1l);
  CHECK(b.fit == unit_fit::converted);
  CHECK(b.quantity == 3);
  auto c = fit_amount(1, "tray", eggs_tray);
  CHECK(c.fit == unit_fit::same);
  auto d = fit_amount(60, "pcs", eggs_tray);
  CHECK(d.fit == unit_fit::converted);
  CHECK(d.quantity == 2);
}

TEST_CASE("a measure that is not whole packs needs a person", "[unit_conversion]") {
  auto a = fit_amount(1.5, "kg", salt_1kg);
  CHECK(a.fit == unit_fit::mismatch);
  CHECK_THAT(a.reason, Catch::Contains("whole number"));
  CHECK(fit_amount(100, "g", noodles_75g).fit == unit_fit::mismatch);
}

TEST_CASE("amounts of another dimension are a mismatch", "[unit_conversion]") {
  CHECK(fit_amount(2, "l", sugar).fit == unit_fit::mismatch);
  CHECK(fit_amount(2, "kg", product_unit{"pcs", std::nullopt, ""}).fit == unit_fit::mismatch);
  CHECK(fit_amount(2, "ml", soap).fit == unit_fit::mismatch);
}

TEST_CASE("counted goods in dozens ask as written when they are not whole packs",
          "[unit_conversion]") {
  auto a = fit_amount(2, "dozen", eggs_tray);
  CHECK(a.fit == unit_fit::container);
  CHECK(a.unit == "dozen");
  CHECK(a.quantity == 2);
  auto b = fit_amount(2, "dozen", noodles_75g);
  CHECK(b.fit == unit_fit::converted);
  CHECK(b.quantity == 24);
}

TEST_CASE("containers of unknown contents are asked for as written", "[unit_conversion]") {
  auto a = fit_amount(5, "carton", noodles_75g);
  CHECK(a.fit == unit_fit::container);
  CHECK(a.unit == "carton");
  CHECK(a.quantity == 5);
  CHECK(fit_amount(2, "bag", sugar).fit == unit_fit::container);
  CHECK(is_measure_unit("kg"));
  CHECK_FALSE(is_measure_unit("carton"));
}
