// The rule-based extractor on text as OCR damages it: look-alike digits and
// letters, list numbers glued to quantities or read as letters, units glued
// to names, digits of the wrong script. Each reading either comes out right or
// is marked unsure with a reason; none is silently wrong.
#include <catch2/catch.hpp>

#include <string>

#include "model/extraction_checks.hpp"
#include "model/item_extraction.hpp"
#include "model/unit_words.hpp"

using namespace khaacho::model;

TEST_CASE("OCR-damaged lines that still read plainly", "[model]") {
  auto [line, name, quantity, unit] = GENERATE(table<std::string, std::string, double, std::string>({
    // a stray parenthesis between a leading number and its unit
    {"2. 12) प्याकेट वाइवाइ चिकेन", "वाइवाइ चिकेन", 12, "packet"},
    {"5) 3) ctn Rara", "Rara", 3, "carton"},
    // a list number glued to the count after it: cartons are not counted in tenths
    {"1.3 ctn Britannia Marie Gold 120gm", "Britannia Marie Gold 120gm", 3, "carton"},
    {"7.3 cartoon Coca cola 1.25", "Coca cola 1.25", 3, "carton"},
    {"12.4 pkt Rara", "Rara", 4, "packet"},
    // a list number read as letters, or behind a stray '#'
    {"Y) Rara - 4 ctn", "Rara", 4, "carton"},
    {"og) मोटो चामल : ८ बोरा", "मोटो चामल", 8, "bag"},
    {"#8) ६ कार्टुन वाइवाइ चिकेन", "वाइवाइ चिकेन", 6, "carton"},
    // a Devanagari unit glued to the name after it, "के. जी." apart
    {"- २००ग्रामजीरा", "जीरा", 200, "g"},
    {"५केजीचिनी", "चिनी", 5, "kg"},
    {"केराउ - १५के. जी.", "केराउ", 15, "kg"},
  }));
  khaacho::test::check_one_item(line, name, quantity, unit, std::nullopt);
}

TEST_CASE("guessed and doubtful OCR readings are marked unsure", "[model]") {
  auto [line, name, quantity, unit, reason] =
    GENERATE(table<std::string, std::string, double, std::string, std::string>({
      // a digit read as a look-alike letter or stroke before its unit
      {"Rara - S ctn", "Rara", 5, "carton", "quantity guessed from 'S'"},
      {"KOHINOOR BASMATI 1 KG S packets", "KOHINOOR BASMATI 1 KG", 5, "packet",
       "quantity guessed from 'S'"},
      {"7 O CLOCK X Z BX", "7 O CLOCK", 2, "box", "quantity guessed from 'Z'"},
      {"MAGGI MASALA 12 PCS XZ DOZEN", "MAGGI MASALA 12 PCS", 2, "dozen",
       "quantity guessed from 'XZ'"},
      {"REALORANGE (\\Dz)", "REALORANGE", 1, "dozen", "quantity guessed from '\\'"},
      {"Cumin । kilo", "Cumin", 1, "kg", "quantity guessed from '।'"},
      {"INDIA GATE BASMATI SKG - + BORA", "INDIA GATE BASMATI SKG", 4, "bag",
       "quantity guessed from '+'"},
      {"माउन्टेन ड्यु - y कार्टुन", "माउन्टेन ड्यु", 4, "carton", "quantity guessed from 'y'"},
      {"१) नवरतन उकार्टुन", "नवरतन", 3, "carton", "quantity guessed from 'उ'"},
      {"2) रवटा बोर्नभिटा", "बोर्नभिटा", 2, "pcs", "quantity guessed from 'र'"},
      {"COLGATE MAXFRESH - 1@ nos", "COLGATE MAXFRESH", 10, "pcs", "quantity guessed from '1@'"},
      {"DDC Ghee 500ml 1@pkt", "DDC Ghee 500ml", 10, "packet", "quantity guessed from '1@'"},
      {"Rock Salt \\0 kg", "Rock Salt", 10, "kg", "quantity guessed from '\\0'"},
      // the first digit read as its look-alike, glued to the rest
      {"FORTUNE SUNFLOWER - Z4PKT", "FORTUNE SUNFLOWER", 24, "packet", "quantity guessed from 'Z4'"},
      {"CHYURA - O.5 KG", "CHYURA", 0.5, "kg", "quantity guessed from 'O.5'"},
      // digits of two scripts in one number, or Devanagari digits on a Latin line
      {"LIRIL LEMON 125 GM - 2५ NOS", "LIRIL LEMON 125 GM", 25, "pcs",
       "digits of two scripts in '2५'"},
      {"MIRINDA (७ BOTTLES)", "MIRINDA", 7, "bottle", "Devanagari digits on a Latin line"},
      // a Devanagari digit run after a number on a Latin line is a misread word
      {"two pm chicken (5 ८५०)", "two pm chicken", 5, "", "unknown unit '८५०'"},
      {"3 ८८०. Surf Excel Matic 1L", "Surf Excel Matic 1L", 3, "", "unknown unit '८८०'"},
      // a damaged unit word that fits two units, a short one glued to its number
      {"* PANTENE 8 bil", "PANTENE", 8, "", "unknown unit 'bil'"},
      {"4. 50kq BHETMAS", "BHETMAS", 50, "kg", "unit 'kg' guessed from 'kq'"},
      // OCR-damaged unit words: "IZ" for R, Devanagari without its reph
      {"SATI X 3 CAIZTOON", "SATI", 3, "carton", "unit 'carton' guessed from 'CAIZTOON'"},
      {"पनीर - २ काटुन", "पनीर", 2, "carton", "unit 'carton' guessed from 'काटुन'"},
      {"अमूल - ४ दजेन", "अमूल", 4, "dozen", "unit 'dozen' guessed from 'दजेन'"},
      // a look-alike before a damaged but readable unit word
      {"- + carkoon priki veg", "priki veg", 4, "carton",
       "unit 'carton' guessed from 'carkoon'; quantity guessed from '+'"},
      // a 9 before a Devanagari unit: १ and ७ are read as 9
      {"2. FAIREST - 9 दर्जन", "FAIREST", 9, "dozen",
       "a 9 before a Devanagari unit may be a misread १ or ७"},
      // a number with a leading zero is no code when a damaged unit follows
      {"QUAKER ०915 ७८०,", "QUAKER", 915, "",
       "unknown unit '७८०'; digits of two scripts in '०915'"},
      // two look-alikes glued to a unit, "|" for the l of litre at the line end
      {"2. 102 TEL (ZOLT)", "102 TEL", 20, "l", "quantity guessed from 'ZO'"},
      {"palm tel 2 |", "palm tel", 2, "l", "unit 'l' guessed from '|'"},
      // k read for t; a short damaged unit before one- and two-letter specks
      {"Maggi Masala 3 carkens", "Maggi Masala", 3, "carton",
       "unit 'carton' guessed from 'carkens'"},
      {"CHINI SUGAR X 20 Ka.    Se", "CHINI SUGAR Se", 20, "kg",
       "quantity read from inside the line; unit 'kg' guessed from 'Ka'"},
      // a unit with no readable name
      {"टी ८ ४ 5 kg", "टी ८ ४", 5, "kg", "no readable name"},
    }));
  khaacho::test::check_one_item(line, name, quantity, unit, reason);
}

TEST_CASE("look-alike rules leave real words and plain lines alone", "[model]") {
  auto [line, name, quantity, unit] = GENERATE(table<std::string, std::string, double, std::string>({
    {"Scan 2 box", "Scan", 2, "box"},
    {"Stray dog food 3 pkt", "Stray dog food", 3, "packet"},
    {"Vitamin B - 2 box", "Vitamin B", 2, "box"},
    {"Vitamin B12 - 2 box", "Vitamin B12", 2, "box"},
    {"Parle G 3 pkt", "Parle G", 3, "packet"},
    {"a dozen eggs", "eggs", 1, "dozen"},
    {"1.5 ctn Rara", "Rara", 1.5, "carton"},
    {"1.3 kg jeera", "jeera", 1.3, "kg"},
    {"मह - 4 जार", "मह", 4, "jar"},
    {"7Up 3 carton", "7Up", 3, "carton"},
    {"2PM Chicken - 4 ctn", "2PM Chicken", 4, "carton"},
    {"Wai Wai - ५ कार्टुन", "Wai Wai", 5, "carton"},
    {"चिनी 10 kg", "चिनी", 10, "kg"},
    {"a) Rara 3 ctn", "Rara", 3, "carton"},
  }));
  khaacho::test::check_one_item(line, name, quantity, unit, std::nullopt);
}

TEST_CASE("a ward number after a hyphen glued to the place is no item", "[model]") {
  auto line = GENERATE(as<std::string>{}, "इटहरी- १८", "ललितपुर- १७", "Dharan- 8");
  CAPTURE(line);
  CHECK(extract_items(line).empty());
}

TEST_CASE("unit words: Devanagari prefixes and ambiguous damage", "[model]") {
  CHECK(devanagari_unit_prefix("ग्रामजीरा") == std::string{"ग्राम"}.size());
  CHECK(devanagari_unit_prefix("केजीचिनी") == std::string{"केजी"}.size());
  CHECK(devanagari_unit_prefix("ग्राम") == 0);
  CHECK(devanagari_unit_prefix("किसान") == 0);  // "कि" is too short to split on
  CHECK(devanagari_unit_prefix("chini") == 0);
  bool fuzzy = false;
  bool ambiguous = false;
  CHECK(canonical_unit_ocr("bil", &fuzzy, true, &ambiguous).empty());
  CHECK(ambiguous);
  CHECK(canonical_unit_ocr("JAI2S", &fuzzy, false, &ambiguous) == "jar");
  CHECK(fuzzy);
  CHECK_FALSE(ambiguous);
  CHECK(canonical_unit_ocr("चिनी", &fuzzy, false, &ambiguous).empty());
  CHECK_FALSE(ambiguous);
}
