// Several OCR readings of a page: their lines are paired in reading order,
// and per line the reading that fits the catalog is kept.
#include <catch2/catch.hpp>

#include "model/reading_alignment.hpp"
#include "model/reading_choice.hpp"

using namespace khaacho::model;

namespace {

catalog_index two_products() {
  std::vector<catalog_product> products(2);
  products[0].id = "kurkure";
  products[0].name = "Kurkure Masala Munch 90 g";
  products[0].unit = "packet";
  products[0].pack_size_value = 90;
  products[0].pack_size_unit = "g";
  products[0].category = "Snacks";
  products[1].id = "chini";
  products[1].name = "Sugar (Chini)";
  products[1].unit = "kg";
  products[1].category = "Grocery";
  products[1].aliases = {"chini", "चिनी"};
  return catalog_index{std::move(products)};
}

/// An item as the extractor gives it, read from `line`.
extracted_item item_from(const std::string& name, double quantity, const std::string& unit,
                         const std::string& line) {
  extracted_item it;
  it.name = name;
  it.quantity = quantity;
  it.unit = unit;
  it.line = line;
  return it;
}

}  // namespace

TEST_CASE("line similarity counts characters, not bytes", "[model][ocr]") {
  CHECK(line_similarity("abc", "abc") == Approx(1.0));
  CHECK(line_similarity("", "") == Approx(1.0));
  CHECK(line_similarity("abcd", "abxd") == Approx(0.75));
  // One of four code points (three bytes each) differs: 3/4, not 11/12.
  CHECK(line_similarity("चिनी", "चिना") == Approx(0.75));
}

TEST_CASE("line similarity ignores word gaps and the case of letters", "[model][ocr]") {
  // The line model seldom sees a gap Tesseract sees, and the other way round.
  CHECK(line_similarity("1) Parle G x 20 packets", "1)PARLEG x20packets") == Approx(1.0));
  CHECK(line_similarity("ab cd", "abxd") == Approx(0.75));
  CHECK(line_similarity("   ", "") == Approx(1.0));
}

TEST_CASE("line similarity stays in [0, 1] on invalid UTF-8", "[model][ocr]") {
  // Found by fuzz/reading_alignment_fuzz: stray continuation bytes counted as
  // nothing in the length but as one edit each in the distance.
  const std::vector<std::pair<std::string, std::string>> pairs{
    {"\x80\x80\x80 x", "y"}, {"\x80", ""}, {"\xa5\xa7", "\x80"}};
  for (const auto& [a, b] : pairs) {
    CAPTURE(a, b);
    auto s = line_similarity(a, b);
    CHECK(s >= 0);
    CHECK(s < 1);
  }
}

TEST_CASE("readings are paired line by line in reading order", "[model][ocr]") {
  std::vector<ocr_line> first{{"Ram Kirana Pasal", 0.9}, {"KUIKUZE MASALA X 20 OKT", 0.5},
                              {"chini 10 kg", 0.8}, {"Thank you", 0.9}};
  // The second reading split nothing but lost the heading and found a
  // smudge line of its own between the items.
  std::vector<ocr_line> second{{"KURKURE MASALA X 20 PKT", 0.7}, {"~~ ,", 0.1},
                               {"chinl 10 kg", 0.6}, {"Thank yau", 0.8}};
  auto groups = align_readings({first, second});
  REQUIRE(groups.size() == 4);
  CHECK(groups[0].size() == 1);  // nothing like the heading in the second reading
  REQUIRE(groups[1].size() == 2);
  CHECK(groups[1][0].text == "KUIKUZE MASALA X 20 OKT");
  CHECK(groups[1][1].text == "KURKURE MASALA X 20 PKT");
  REQUIRE(groups[2].size() == 2);
  CHECK(groups[2][1].text == "chinl 10 kg");
  REQUIRE(groups[3].size() == 2);
  CHECK(groups[3][1].text == "Thank yau");
}

TEST_CASE("a line is never paired out of order or twice", "[model][ocr]") {
  std::vector<ocr_line> first{{"chini 10 kg", 0.8}, {"dal 5 kg", 0.8}};
  std::vector<ocr_line> swapped{{"dal 5 kg", 0.8}, {"chini 10 kg", 0.8}};
  auto groups = align_readings({first, swapped});
  REQUIRE(groups.size() == 2);
  // Only one of the two can be paired without crossing.
  CHECK(groups[0].size() + groups[1].size() == 3);
  CHECK(align_readings({}).empty());
  CHECK(align_readings({first}).size() == 2);
}

TEST_CASE("the reading that fits the catalog is kept", "[model][ocr]") {
  auto catalog = two_products();
  match_thresholds t;
  std::vector<std::vector<ocr_line>> groups{
    {{"Ram Kirana Pasal", 0.9}},
    // The first reading is more confident but reads no product.
    {{"KUIKUZE MASALA X 20 OKT", 0.9}, {"KURKURE MASALA X 20 PKT", 0.6}},
    // Both read the product equally well: the engine's confidence decides.
    {{"chini 10 kg", 0.5}, {"chini 10 kg.", 0.9}},
  };
  auto chosen = choose_readings(groups, &catalog, t);
  REQUIRE(chosen.size() == 3);
  CHECK(chosen[0].text == "Ram Kirana Pasal");
  CHECK(chosen[1].text == "KURKURE MASALA X 20 PKT");
  CHECK(chosen[1].confidence == Approx(0.6));
  CHECK(chosen[2].text == "chini 10 kg.");
  CHECK(reading_fit(groups[1][1], &catalog, t) > reading_fit(groups[1][0], &catalog, t));
}

TEST_CASE("without a catalog the engine's confidence decides", "[model][ocr]") {
  std::vector<std::vector<ocr_line>> groups{{{"KUIKUZE 20", 0.4}, {"KURKURE 20", 0.7}},
                                            {{"chini 10 kg", 0.8}, {"chinl 10 kg", 0.8}}};
  auto chosen = choose_readings(groups, nullptr, match_thresholds{});
  REQUIRE(chosen.size() == 2);
  CHECK(chosen[0].text == "KURKURE 20");
  CHECK(chosen[1].text == "chini 10 kg");  // a tie keeps the first reading
}

TEST_CASE("readings that agree on the product but not the amount flag the item", "[model][ocr]") {
  auto catalog = two_products();
  match_thresholds t;
  std::vector<std::vector<ocr_line>> groups{
    {{"chini 5 kg", 0.8}, {"chini 4 kg", 0.7}},                       // disputed amount
    {{"KURKURE MASALA X 20 PKT", 0.8}, {"KURKURE MASALA X 20 PKT.", 0.6}},  // agree
    {{"chini 2 kg", 0.8}, {"~~ 7", 0.3}},                             // the other reads no product
  };
  std::vector<extracted_item> items{
    item_from("chini", 5, "kg", "chini 5 kg"),
    item_from("KURKURE MASALA", 20, "packet", "KURKURE MASALA X 20 PKT"),
    item_from("chini", 2, "kg", "chini 2 kg"),
  };
  CHECK(flag_disputed_amounts(items, groups, catalog, t) == 1);
  CHECK(items[0].unsure);
  CHECK(items[0].unsure_reason == "the photo reads as 5 kg or 4 kg on this line");
  CHECK_FALSE(items[1].unsure);
  CHECK_FALSE(items[2].unsure);
}

TEST_CASE("an amount only a later reading of the line sees flags the item", "[model][ocr]") {
  auto catalog = two_products();
  match_thresholds t;
  std::vector<std::vector<ocr_line>> groups{
    // The page read no amount; one re-read of the line alone found 4 kg.
    {{"chini F kg", 0.7}, {"chini Fkg", 0.6}, {"chini 4 kg", 0.9}},
    // Two re-reads agree on 12 packets: confirmed.
    {{"KURKURE MASALA X VL PKT", 0.7}, {"KURKURE MASALA X 12 PKT", 0.9},
     {"KURKURE MASALA X 12 PKT.", 0.9}},
    // Taken from the page's own first reading: the rule does not apply.
    {{"chini 3 kg", 0.9}, {"chini ~ kg", 0.5}},
  };
  std::vector<extracted_item> items{
    item_from("chini", 4, "kg", "chini 4 kg"),
    item_from("KURKURE MASALA", 12, "packet", "KURKURE MASALA X 12 PKT"),
    item_from("chini", 3, "kg", "chini 3 kg"),
  };
  CHECK(flag_disputed_amounts(items, groups, catalog, t) == 1);
  CHECK(items[0].unsure);
  CHECK(items[0].unsure_reason.find("only one reading of the photo sees 4 kg") != std::string::npos);
  CHECK_FALSE(items[1].unsure);
  CHECK_FALSE(items[2].unsure);
}
