// clean_items: what reaches the matcher from any extractor — bad quantities
// dropped, names trimmed, units made canonical, duplicates merged, the list
// capped.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "model/item_cleaning.hpp"
#include "model/item_extraction.hpp"

using namespace khaacho::model;

namespace {

extracted_item item(std::string name, double quantity, std::string unit, std::string line = "") {
  extracted_item i;
  i.name = std::move(name);
  i.quantity = quantity;
  i.unit = std::move(unit);
  i.line = std::move(line);
  return i;
}

}  // namespace

TEST_CASE("names are trimmed", "[model]") {
  auto [raw, trimmed] = GENERATE(table<std::string, std::string>({
    {"  Wai   Wai  chicken ", "Wai Wai chicken"},
    {"- Rara -", "Rara"},
    {"• चिनी,", "चिनी"},
    {"* Dettol soap.", "Dettol soap"},
    {"Basmati Rice (Loose)", "Basmati Rice (Loose)"},
    {"(Rara", "Rara"},
    {"Rara)", "Rara"},
    {"\"Lay's\"", "Lay's"},
    {"तोरीको\u00a0तेल :", "तोरीको तेल"},
    {"7 O'Clock", "7 O'Clock"},
    {"...", ""},
    {"", ""},
  }));
  CAPTURE(raw);
  CHECK(trim_item_name(raw) == trimmed);
}

TEST_CASE("names normalize for duplicate detection", "[model]") {
  CHECK(normalized_name("Wai-Wai  Chicken") == "wai wai chicken");
  CHECK(normalized_name(" wai wai chicken.") == "wai wai chicken");
  CHECK(normalized_name("जिरा मसिनो २५ केजी") == "जिरा मसिनो 25 केजी");
  CHECK(normalized_name("Lay's") == "lay s");
}

TEST_CASE("non-positive and non-finite quantities are dropped", "[model]") {
  auto quantity = GENERATE(0.0, -1.0, -0.5, std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::quiet_NaN());
  CAPTURE(quantity);
  CHECK(clean_items({item("Rara", quantity, "carton")}).empty());
}

TEST_CASE("items without a name are dropped", "[model]") {
  CHECK(clean_items({item("", 2, "kg"), item(" - ", 2, "kg"), item("...", 1, "")}).empty());
}

TEST_CASE("units become canonical or empty and unsure", "[model]") {
  auto [unit, raw_unit, want_unit, want_raw, unsure] =
    GENERATE(table<std::string, std::string, std::string, std::string, bool>({
      {"kg", "kgs", "kg", "kgs", false},
      {"carton", "", "carton", "", false},
      {"", "", "", "", false},
      {"kgs", "", "kg", "kgs", false},
      {"ctn", "", "carton", "ctn", false},
      {"KG", "", "kg", "KG", false},
      {"बोरा", "", "bag", "बोरा", false},
      {"", "ctn", "carton", "ctn", false},
      {"sack of", "", "", "sack of", true},
      {"potli", "", "", "potli", true},
      {"pouch", "पाउच", "", "पाउच", true},
    }));
  CAPTURE(unit, raw_unit);
  auto i = item("Rara", 2, unit);
  i.raw_unit = raw_unit;
  auto out = clean_items({i});
  REQUIRE(out.size() == 1);
  CHECK(out[0].unit == want_unit);
  CHECK(out[0].raw_unit == want_raw);
  CHECK(out[0].unsure == unsure);
  if (unsure)
    CHECK(out[0].unsure_reason == "unknown unit '" + unit + "'");
}

TEST_CASE("quantities over 1000 are unsure", "[model]") {
  auto out = clean_items({item("chini", 5000, "kg"), item("nun", 1000, "kg")});
  REQUIRE(out.size() == 2);
  CHECK(out[0].unsure);
  CHECK(out[0].unsure_reason == "quantity over 1000");
  CHECK_FALSE(out[1].unsure);
}

TEST_CASE("duplicates with the same unit are merged", "[model]") {
  auto out = clean_items({item("Wai Wai chicken", 5, "carton", "1. Wai Wai chicken - 5 ctn"),
                          item("chini", 10, "kg", "2. chini 10 kg"),
                          item("wai-wai  Chicken.", 2, "carton", "7. wai-wai Chicken 2 ctn"),
                          item("Chini", 0.5, "kg", "8. Chini 1/2 kg")});
  REQUIRE(out.size() == 2);
  CHECK(out[0].name == "Wai Wai chicken");
  CHECK(out[0].quantity == 7);
  CHECK(out[0].unit == "carton");
  CHECK(out[0].line == "1. Wai Wai chicken - 5 ctn\n7. wai-wai Chicken 2 ctn");
  CHECK_FALSE(out[0].unsure);
  CHECK(out[1].name == "chini");
  CHECK(out[1].quantity == 10.5);
  CHECK(out[1].unit == "kg");
}

TEST_CASE("a merged duplicate keeps the doubt of either part", "[model]") {
  auto doubtful = item("Rara", 3, "carton");
  doubtful.unsure = true;
  doubtful.unsure_reason = "fraction read as 0.5";
  auto out = clean_items({item("Rara", 2, "carton"), doubtful});
  REQUIRE(out.size() == 1);
  CHECK(out[0].quantity == 5);
  CHECK(out[0].unsure);
  CHECK(out[0].unsure_reason == "fraction read as 0.5");
}

TEST_CASE("the same name with different units stays apart, unsure", "[model]") {
  auto out = clean_items({item("chini", 10, "kg"), item("Rara", 2, "carton"),
                          item("Chini", 2, "bag"), item("chini", 5, "kg")});
  REQUIRE(out.size() == 3);
  CHECK(out[0].name == "chini");
  CHECK(out[0].quantity == 15);
  CHECK(out[0].unit == "kg");
  CHECK(out[0].unsure);
  CHECK(out[0].unsure_reason == "same item listed with different units");
  CHECK_FALSE(out[1].unsure);
  CHECK(out[2].name == "Chini");
  CHECK(out[2].unit == "bag");
  CHECK(out[2].unsure);
}

TEST_CASE("the number of items is capped and the cut is flagged", "[model]") {
  std::vector<extracted_item> many;
  for (int i = 0; i < 7; ++i)
    many.push_back(item("item " + std::to_string(i), 1, "pcs"));
  SECTION("over the cap") {
    auto out = clean_items(many, 5);
    REQUIRE(out.size() == 5);
    CHECK(out[4].name == "item 4");
    CHECK(out[4].unsure);
    CHECK(out[4].unsure_reason == "too many items (7 read, 5 kept)");
    CHECK_FALSE(out[3].unsure);
  }
  SECTION("at the cap") {
    auto out = clean_items(many, 7);
    REQUIRE(out.size() == 7);
    CHECK_FALSE(out[6].unsure);
  }
  SECTION("duplicates merged before counting") {
    many.push_back(item("item 0", 1, "pcs"));
    auto out = clean_items(many, 7);
    REQUIRE(out.size() == 7);
    CHECK(out[0].quantity == 2);
    CHECK_FALSE(out[6].unsure);
  }
  SECTION("a cap of zero") {
    CHECK(clean_items(many, 0).empty());
  }
}

TEST_CASE("extraction then cleaning on a whole list", "[model]") {
  auto out = clean_items(extract_items("Order list\n"
                                       "1. chini 10kg\n"
                                       "2. Rara - 3 ctn\n"
                                       "3. चिनी ५ केजी\n"
                                       "4. CHINI 5 KG\n"
                                       "5. rara 2 ctns\n"
                                       "Thank you\n"));
  REQUIRE(out.size() == 3);
  CHECK(out[0].name == "chini");
  CHECK(out[0].quantity == 15);
  CHECK(out[0].unit == "kg");
  CHECK(out[1].name == "Rara");
  CHECK(out[1].quantity == 5);
  CHECK(out[1].unit == "carton");
  CHECK(out[2].name == "चिनी");
  CHECK(out[2].quantity == 5);
}
