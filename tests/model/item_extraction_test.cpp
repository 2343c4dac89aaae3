// The rule-based item extractor and its unit words: item lines in English,
// romanized Nepali, Devanagari and mixed; the lines around them that must
// give no item; OCR noise; and the readings that must be marked unsure.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <tuple>

#include "model/extraction_checks.hpp"
#include "model/item_extraction.hpp"
#include "model/unit_words.hpp"

using namespace khaacho::model;

TEST_CASE("unit words map to canonical units", "[model]") {
  auto [word, unit] = GENERATE(table<std::string, std::string>({
    {"kg", "kg"}, {"KG", "kg"}, {"kg.", "kg"}, {"Kgs", "kg"}, {"kilo", "kg"}, {"केजी", "kg"},
    {"किलो", "kg"}, {"के.जी.", "kg"}, {"k.g.", "kg"},
    {"g", "g"}, {"gm", "g"}, {"GMS", "g"}, {"gram", "g"}, {"grams", "g"}, {"ग्राम", "g"},
    {"l", "l"}, {"L", "l"}, {"ltr", "l"}, {"Ltr.", "l"}, {"litre", "l"}, {"liters", "l"},
    {"लिटर", "l"},
    {"ml", "ml"}, {"ML", "ml"}, {"मिलि", "ml"}, {"एमएल", "ml"},
    {"pcs", "pcs"}, {"pc", "pcs"}, {"Pieces", "pcs"}, {"nos", "pcs"}, {"wota", "pcs"},
    {"wata", "pcs"}, {"ota", "pcs"}, {"than", "pcs"}, {"वटा", "pcs"}, {"ओटा", "pcs"},
    {"थान", "pcs"},
    {"packet", "packet"}, {"packets", "packet"}, {"pkt", "packet"}, {"PKTS", "packet"},
    {"pack", "packet"}, {"प्याकेट", "packet"}, {"पाकेट", "packet"},
    {"carton", "carton"}, {"ctn", "carton"}, {"ctns.", "carton"}, {"cartoon", "carton"},
    {"कार्टुन", "carton"}, {"कार्टन", "carton"},
    {"dozen", "dozen"}, {"doz", "dozen"}, {"dz", "dozen"}, {"darjan", "dozen"},
    {"दर्जन", "dozen"},
    {"bag", "bag"}, {"bags", "bag"}, {"bora", "bag"}, {"bori", "bag"}, {"बोरा", "bag"},
    {"बोरी", "bag"},
    {"bottle", "bottle"}, {"btl", "bottle"}, {"BOTTLES", "bottle"}, {"बोतल", "bottle"},
    {"box", "box"}, {"boxes", "box"}, {"bx", "box"}, {"बाकस", "box"},
    {"can", "can"}, {"cans", "can"}, {"tin", "can"},
    {"jar", "jar"}, {"jars", "jar"}, {"जार", "jar"},
    {"bundle", "bundle"}, {"bdl", "bundle"}, {"मुठा", "bundle"},
    {"tray", "tray"}, {"ट्रे", "tray"},
    {"chini", ""}, {"x", ""}, {"", ""}, {"Rara", ""}, {"चिनी", ""},
  }));
  CAPTURE(word);
  CHECK(canonical_unit(word) == unit);
}

TEST_CASE("damaged unit words are read, and flagged as guesses", "[model]") {
  auto [word, unit] = GENERATE(table<std::string, std::string>({
    {"cartn", "carton"}, {"packts", "packet"}, {"bottel", "bottle"}, {"b0ttle", "bottle"},
    {"1tr", "l"}, {"|tr", "l"}, {"dozn", "dozen"}, {"प्याकेत", "packet"},
    {"chini", ""}, {"masala", ""}, {"box", "box"},
  }));
  CAPTURE(word);
  bool fuzzy = true;
  CHECK(canonical_unit_ocr(word, &fuzzy) == unit);
  CHECK(fuzzy == (!unit.empty() && canonical_unit(word).empty()));
}

TEST_CASE("Devanagari digits become ASCII", "[model]") {
  CHECK(to_ascii_digits("१२३४५६७८९०") == "1234567890");
  CHECK(to_ascii_digits("चिनी १० केजी") == "चिनी 10 केजी");
  CHECK(to_ascii_digits("2081/08/12") == "2081/08/12");
}

TEST_CASE("item lines give name, quantity and unit", "[model]") {
  auto [line, name, quantity, unit] = GENERATE(table<std::string, std::string, double, std::string>({
    // English, quantity after the name
    {"Wai Wai chicken - 5 carton", "Wai Wai chicken", 5, "carton"},
    {"Dettol soap x 12 pcs", "Dettol soap", 12, "pcs"},
    {"Dettol soap X 12 PCS.", "Dettol soap", 12, "pcs"},
    {"Lux soap × 6 pc", "Lux soap", 6, "pcs"},
    {"Coke 1.25 L : 3 ctn", "Coke 1.25 L", 3, "carton"},
    {"Sprite 500ml = 2 dozen", "Sprite 500ml", 2, "dozen"},
    {"Surf Excel 1kg @ 10 pkt", "Surf Excel 1kg", 10, "packet"},
    {"Horlicks 500g, 4 jars", "Horlicks 500g", 4, "jar"},
    {"Parle G 100gm -- 3 dozen", "Parle G 100gm", 3, "dozen"},
    {"Tomato ketchup 2 btl", "Tomato ketchup", 2, "bottle"},
    {"Mustard oil 15 litre", "Mustard oil", 15, "l"},
    {"Red Bull 250ml 24 cans", "Red Bull 250ml", 24, "can"},
    {"Eggs 5 tray", "Eggs", 5, "tray"},
    {"Dhaniya patta 2 bundles", "Dhaniya patta", 2, "bundle"},
    {"Amul butter 100g (6 pcs)", "Amul butter 100g", 6, "pcs"},
    {"Salt 1 kg (25 pkt.)", "Salt 1 kg", 25, "packet"},
    {"Kitkat 2 box.", "Kitkat", 2, "box"},
    {"Basmati Rice (Loose) 10 kg", "Basmati Rice (Loose)", 10, "kg"},
    {"Hit & Run chips - 2 dz", "Hit & Run chips", 2, "dozen"},
    {"Lay's Classic 52 g - 12 packets", "Lay's Classic 52 g", 12, "packet"},
    {"Coca-Cola 2.25 LTR x 6 bottles", "Coca-Cola 2.25 LTR", 6, "bottle"},
    {"7 O'Clock tea x 2 bx", "7 O'Clock tea", 2, "box"},
    {"2PM Chicken - 4 ctn", "2PM Chicken", 4, "carton"},
    {"7Up 2 carton", "7Up", 2, "carton"},
    {"Maggi 2-Minute Noodles = 6 dozen", "Maggi 2-Minute Noodles", 6, "dozen"},
    {"Golden Tips 25 Bags x 3 box", "Golden Tips 25 Bags", 3, "box"},
    // quantity glued to the unit
    {"chini 10kg", "chini", 10, "kg"},
    {"Rara 4CTN", "Rara", 4, "carton"},
    {"Dynamite noodles - 6ctns.", "Dynamite noodles", 6, "carton"},
    {"jeera 500gm", "jeera", 500, "g"},
    {"Soybean oil 5L", "Soybean oil", 5, "l"},
    // quantity before the name
    {"2 dozen eggs", "eggs", 2, "dozen"},
    {"3 ctn Rara", "Rara", 3, "carton"},
    {"10 pkt. Maggi masala", "Maggi masala", 10, "packet"},
    {"5 bottle Dettol 500 ml", "Dettol 500 ml", 5, "bottle"},
    {"2 carton Coke 1.25", "Coke 1.25", 2, "carton"},
    {"25 kg Mansuli chamal", "Mansuli chamal", 25, "kg"},
    {"half kg jeera", "jeera", 0.5, "kg"},
    {"जिरा पाव केजी", "जिरा", 0.25, "kg"},
    {"chini sawa kg", "chini", 1.25, "kg"},
    {"चिनी दुई केजी", "चिनी", 2, "kg"},
    {"Rara paanch ctn", "Rara", 5, "carton"},
    {"one dozen Tiger biscuit", "Tiger biscuit", 1, "dozen"},
    // list numbering and bullets are not quantities
    {"1. Rara 3 ctn", "Rara", 3, "carton"},
    {"2) Mayos veg - 2 carton", "Mayos veg", 2, "carton"},
    {"(3) Tata salt 20 pkt", "Tata salt", 20, "packet"},
    {"4.) Good Day 10 pkt", "Good Day", 10, "packet"},
    {"10. Pepsi 500 ml - 2 dz", "Pepsi 500 ml", 2, "dozen"},
    {"1.Rara 3 ctn", "Rara", 3, "carton"},
    {"5. 2 bora chini", "chini", 2, "bag"},
    {"- Rara 3 ctn", "Rara", 3, "carton"},
    {"* Kurkure 12 pkt", "Kurkure", 12, "packet"},
    {"• Sunsilk shampoo 6 btl", "Sunsilk shampoo", 6, "bottle"},
    {"· Harpic 500ml 4 btl", "Harpic 500ml", 4, "bottle"},
    {"> Vim bar 24 pcs", "Vim bar", 24, "pcs"},
    {"– Oats 1 kg 5 pkt", "Oats 1 kg", 5, "packet"},
    // decimals and fractions
    {"jeera 1.5 kg", "jeera", 1.5, "kg"},
    {"besan - 2,5 kg", "besan", 2.5, "kg"},
    {"Tea leaf 0.5 KG", "Tea leaf", 0.5, "kg"},
    {"dalchini ½ kg", "dalchini", 0.5, "kg"},
    {"2 ½ kg sukmel", "sukmel", 2.5, "kg"},
    // romanized Nepali
    {"nun - 20 packet", "nun", 20, "packet"},
    {"tel 5 ltr", "tel", 5, "l"},
    {"tori ko tel - 2 bottle", "tori ko tel", 2, "bottle"},
    {"2 bora chini", "chini", 2, "bag"},
    {"musuro dal 10 kilo", "musuro dal", 10, "kg"},
    {"anda 3 darjan", "anda", 3, "dozen"},
    {"sabun 12 wota", "sabun", 12, "pcs"},
    {"mainbatti 5 mutha", "mainbatti", 5, "bundle"},
    {"bhatmas 5 kg", "bhatmas", 5, "kg"},
    {"Chiura - 1 bori", "Chiura", 1, "bag"},
    // Devanagari
    {"चिनी १० केजी", "चिनी", 10, "kg"},
    {"१. चिनी १० केजी", "चिनी", 10, "kg"},
    {"२) नुन - २० प्याकेट", "नुन", 20, "packet"},
    {"३. ५ बोरा चामल", "चामल", 5, "bag"},
    {"तोरीको तेल : ३ लिटर", "तोरीको तेल", 3, "l"},
    {"अण्डा २ दर्जन", "अण्डा", 2, "dozen"},
    {"साबुन १२ वटा", "साबुन", 12, "pcs"},
    {"वाइवाइ चिकेन ५ कार्टुन", "वाइवाइ चिकेन", 5, "carton"},
    {"मैदा २५ के.जी.", "मैदा", 25, "kg"},
    {"जिरा मसिनो २५ केजी - ३ बोरी", "जिरा मसिनो २५ केजी", 3, "bag"},
    {"धारा तेल ६ बोतल", "धारा तेल", 6, "bottle"},
    {"मैनबत्ती ४ बाकस", "मैनबत्ती", 4, "box"},
    {"जीरा ५०० ग्राम", "जीरा", 500, "g"},
    {"दालचिनी १/२ केजी", "दालचिनी", 0.5, "kg"},
    {"चिनी १०केजी", "चिनी", 10, "kg"},
    {"हरियो मुङ १.५ किलो", "हरियो मुङ", 1.5, "kg"},
    {"धनिया २ मुठा", "धनिया", 2, "bundle"},
    // mixed scripts
    {"Wai Wai - ५ कार्टुन", "Wai Wai", 5, "carton"},
    {"चिनी 10 kg", "चिनी", 10, "kg"},
    {"Dettol साबुन 12 pcs", "Dettol साबुन", 12, "pcs"},
    {"१२ प्याकेट Rara", "Rara", 12, "packet"},
    // no unit written: the product's own unit is meant
    {"Rara - 30", "Rara", 30, ""},
    {"Coke 1.25 x 12", "Coke 1.25", 12, ""},
    {"6 Dettol soap", "Dettol soap", 6, ""},
    {"नुन : २०", "नुन", 20, ""},
    // OCR noise
    {"chini 1O kg", "chini", 10, "kg"},
    {"Maida 2O kg", "Maida", 20, "kg"},
    {"Rara | ctn", "Rara", 1, "carton"},
    {"chini |0 kg", "chini", 10, "kg"},
    {"Sugar l0 kg", "Sugar", 10, "kg"},
    {"  Rara    -   3    ctn  ", "Rara", 3, "carton"},
    {"Rara - 3 ctn.,", "Rara", 3, "carton"},
    {"\"Wai Wai\" - 2 ctn", "Wai Wai", 2, "carton"},
    {"Rara-3 ctn", "Rara", 3, "carton"},
    {"chini 5ota", "chini", 5, "pcs"},
    {"Lux 2 pcs Rs 50", "Lux", 2, "pcs"},
    {"Maggi 12 pcs @ 20", "Maggi", 12, "pcs"},  // a rate, not the quantity
    {"Horlicks 2 batta", "Horlicks", 2, "box"},
    // the unit before the number that ends the line
    {"Sugar kg 10", "Sugar", 10, "kg"},
    {"Rara - ctn - 3", "Rara", 3, "carton"},
    {"हर्लिक्स २ बट्टा", "हर्लिक्स", 2, "box"},
    // labels of a printed form around the name
    {"Item: Rara Qty: 3 ctn", "Rara", 3, "carton"},
    {"Rara qty 3 ctn", "Rara", 3, "carton"},
    {"1 | Rara | 3 ctn", "Rara", 3, "carton"},
    {"1 Rara 3 ctn", "1 Rara", 3, "carton"},
    {"1 - Rara - 10", "Rara", 10, ""},
  }));
  CAPTURE(line);
  auto items = extract_items(line);
  REQUIRE(items.size() == 1);
  CHECK(items[0].name == name);
  CHECK(items[0].quantity == quantity);
  CHECK(items[0].unit == unit);
}

TEST_CASE("lines that are not items give none", "[model]") {
  auto line = GENERATE(as<std::string>{},
    // shop names and headers
    "Ram Kirana Pasal", "SITA GENERAL STORE", "Order list", "Order list:", "ORDER", "Maal order",
    "Purchase Order", "सामानको सूची", "सामानको लिस्ट", "अर्डर", "माग फारम", "To, Everest Suppliers",
    "To: Khaacho Wholesale", "Dear sir, please send:", "श्रीमान् साहुजी,",
    // dates
    "Date: 2081/08/12", "2081-08-12", "मिति २०८१/०८/१२", "Miti: 2080-1-5", "12/7/2024",
    "DATE - 2080.10.3", "१५/०४/२०८१", "Date 12.07.2024",
    // phone numbers
    "9841234567", "Ph: 9841234567", "Mob. 9812-345678", "+977 9801234567", "फोन: ९८४१२३४५६७",
    "Tel: 01-4412345", "Contact 98412 34567", "मो. ९८०१२३४५६७", "Mobile no. 9860000000",
    // totals and counts
    "Total items: 7", "Items - 7", "Total: 7 items", "TOTAL = 12", "जम्मा सामान: ८",
    "जम्मा १२ थरी", "Total 25 kg",
    // greetings, signatures, notes
    "Thank you", "Thanks!", "Dhanyabad", "धन्यवाद !", "- Ram", "- Sita Kumari", "Signature ____",
    "Sign: ________", "दस्तखत: ____", "Please send today", "Bhol bihana pathaunu hola",
    "भोलि बिहान पठाउनुहोस्", "Urgent", "Payment: cash on delivery",
    // addresses
    "Dharan-8", "Bharatpur-11, Chitwan", "इटहरी-४", "Lakeside-6, Pokhara", "Ward no. 5",
    "Kathmandu", "धरान-१४, सुनसरी",
    // OCR debris
    "ee we os 5", "oa 3", "a 74", "Vek O50-4 15644", "Sa Cre 0010", "6. ee.", "Tiger 65gm biscuit",
    // empty, numbers only, punctuation
    "", "   ", "5 kg", "१०", "------", "|", "12", "(2)", "3.");
  CAPTURE(line);
  CHECK(extract_items(line).empty());
}

TEST_CASE("doubtful readings are marked unsure with a reason", "[model]") {
  auto [line, name, quantity, unit, reason] =
    GENERATE(table<std::string, std::string, double, std::string, std::string>({
      {"Maggi - 5 potli", "Maggi", 5, "", "unknown unit 'potli'"},
      {"Horlicks 2 potli", "Horlicks", 2, "", "unknown unit 'potli'"},
      {"हर्लिक्स २ पोटली", "हर्लिक्स", 2, "", "unknown unit 'पोटली'"},
      {"Rara - 3 cartn", "Rara", 3, "carton", "unit 'carton' guessed from 'cartn'"},
      {"chini 2000 kg", "chini", 2000, "kg", "quantity over 1000"},
      {"Rara 5 10", "Rara 5", 10, "", "two numbers, either could be the quantity"},
      {"5 Rara 10", "5 Rara", 10, "", "two numbers, either could be the quantity"},
      {"2 ctn Rara 5 pkt", "Rara 5 pkt", 2, "carton", "two numbers, either could be the quantity"},
      {"chini 1/2 kg", "chini", 0.5, "kg", "fraction read as 0.5"},
      {"Maida - 2 1/2 kg", "Maida", 2.5, "kg", "fraction read as 2.5"},
      {"3. Dettol soap", "Dettol soap", 1, "", "no quantity written"},
      {"* Kurkure masala", "Kurkure masala", 1, "", "no quantity written"},
      {"४) चाउचाउ", "चाउचाउ", 1, "", "no quantity written"},
      // OCR damage
      {"Taichin 25 kg 2 bova", "Taichin 25 kg", 2, "bag", "unit 'bag' guessed from 'bova'"},
      {"Gram flour - 10 ke", "Gram flour", 10, "kg", "unit 'kg' guessed from 'ke'"},
      {"Sprite - 12 btI", "Sprite", 12, "bottle", "unit 'bottle' guessed from 'btI'"},
      {"Sprite - 12 BrL", "Sprite", 12, "", "unknown unit 'BrL'"},  // btl or bdl?
      {"| 9) दूध ३० प्याकेट a", "दूध a", 30, "packet", "quantity read from inside the line"},
      {"रुची चिकेन 10 प्याकेट 4", "रुची चिकेन 4", 10, "packet",
       "two numbers, either could be the quantity"},
      {"7. 2 SURF EXCEL 500 G", "SURF EXCEL 500 G", 2, "", "two numbers, either could be the quantity"},
    }));
  khaacho::test::check_one_item(line, name, quantity, unit, reason);
}

TEST_CASE("clear readings are not unsure", "[model]") {
  auto line = GENERATE(as<std::string>{}, "Rara - 3 ctn", "1. chini 10kg", "2 dozen eggs",
                       "Rara - 30", "१. चिनी १० केजी", "dalchini ½ kg", "1 Rara 3 ctn");
  CAPTURE(line);
  auto items = extract_items(line);
  REQUIRE(items.size() == 1);
  CHECK_FALSE(items[0].unsure);
  CHECK(items[0].unsure_reason.empty());
}

TEST_CASE("a whole order list keeps its items in reading order", "[model]") {
  const std::string text =
    "Ram Kirana Pasal\n"
    "Birtamod-3, Jhapa\n"
    "Ph: 9842-123456\r\n"
    "Date: 2081/08/12\n"
    "Order list\n"
    "1. chini 10kg\n"
    "2. Wai Wai chicken - 5 carton\n"
    "3) 2 dozen eggs\n"
    "४. तोरीको तेल ५ लिटर\n"
    "5. Dettol soap x 12 pcs\n"
    "\n"
    "6. Rara\n"
    "Total items: 6\n"
    "धन्यवाद\n"
    "- Ram\n";
  auto items = extract_items(text);
  REQUIRE(items.size() == 6);
  using row = std::tuple<std::string, double, std::string, bool>;
  std::vector<row> got;
  for (const auto& i : items)
    got.emplace_back(i.name, i.quantity, i.unit, i.unsure);
  CHECK(got == std::vector<row>{{"chini", 10, "kg", false},
                                {"Wai Wai chicken", 5, "carton", false},
                                {"eggs", 2, "dozen", false},
                                {"तोरीको तेल", 5, "l", false},
                                {"Dettol soap", 12, "pcs", false},
                                {"Rara", 1, "", true}});
  CHECK(items[0].line == "1. chini 10kg");
  CHECK(items[1].raw_unit == "carton");
  CHECK(items[3].raw_unit == "लिटर");
  CHECK(items[4].raw_unit == "pcs");
  CHECK(items[5].raw_unit.empty());
}

TEST_CASE("items listed on one line apart by commas or semicolons become items of their own",
          "[model]") {
  using row = std::tuple<std::string, double, std::string>;
  auto read = [](const std::string& line) {
    std::vector<row> got;
    for (const auto& i : extract_items(line)) {
      CHECK(i.line == line);  // confidence and other readings go by the whole line
      got.emplace_back(i.name, i.quantity, i.unit);
    }
    return got;
  };
  CHECK(read("chini 5 kg, nun 2 pkt") == std::vector<row>{{"chini", 5, "kg"}, {"nun", 2, "packet"}});
  CHECK(read("1. Rara 3 ctn; Wai Wai chicken 2 ctn; 2 dozen eggs")
        == std::vector<row>{{"Rara", 3, "carton"}, {"Wai Wai chicken", 2, "carton"}, {"eggs", 2, "dozen"}});
  // A part without a name of its own is the same item's amount, a comma
  // without a space is a decimal comma, and a part in doubt keeps the line whole.
  CHECK(read("Sprite 2.25 litre, 12 bottles") == std::vector<row>{{"Sprite 2.25 litre", 12, "bottle"}});
  CHECK(read("Britannia Tiger 65gm, 2 ctns") == std::vector<row>{{"Britannia Tiger 65gm", 2, "carton"}});
  CHECK(read("Rara, Wai Wai 2 ctn").size() == 1);
  CHECK(read("chini 5 kg, nun S pkt").size() == 1);
  // Two columns read across: a wide gap parts them the same way.
  CHECK(read("Rara 3 ctn          Dettol soap 12 pcs")
        == std::vector<row>{{"Rara", 3, "carton"}, {"Dettol soap", 12, "pcs"}});
  CHECK(read("Rara          3 ctn") == std::vector<row>{{"Rara", 3, "carton"}});
}

TEST_CASE("a row of a ruled table gives its item, the unit in a cell of its own", "[model]") {
  auto [line, name, quantity, unit] = GENERATE(table<std::string, std::string, double, std::string>({
    {"1 | Sugar | 10 | kg", "Sugar", 10, "kg"},
    {"| 2 | Wai Wai Veg | 5 | ctn |", "Wai Wai Veg", 5, "carton"},
    {"3 | Rara | 4 ctn", "Rara", 4, "carton"},
  }));
  khaacho::test::check_one_item(line, name, quantity, unit, std::nullopt);
  // One stroke alone is still a 1.
  auto items = extract_items("chini | kg");
  REQUIRE(items.size() == 1);
  CHECK(items[0].quantity == 1);
}

TEST_CASE("the extractor survives hostile input", "[model]") {
  std::string junk = "\xff\xfe\xe0\xa4 \xe0 chini \xc3 5 kg \x80\n";
  junk += std::string(5000, '-') + "\n" + std::string(300, '9') + " kg\n";
  junk += "1/0 kg\n0 kg chini\n99999999999999999999 pcs Rara\n";
  CHECK_NOTHROW(extract_items(junk));
  for (const auto& item : extract_items(junk)) {
    CHECK(item.quantity > 0);
    CHECK(std::isfinite(item.quantity));
  }
}
