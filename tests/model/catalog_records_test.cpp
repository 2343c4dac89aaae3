// Catalog CSV validation: the shipped demo files, every column rule, and the
// file:line: column messages an operator fixes a broken file from.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "model/catalog_records.hpp"

using namespace khaacho::model;
using strings = std::vector<std::string>;

namespace {

const std::string products_header = "id,sku,name,unit,pack_size,category,aliases\n";
const std::string wholesalers_header =
  "id,name,phone,email,city,reliability_score,whatsapp_opt_in\n";
const std::string stock_header = "wholesaler_id,product_id,stock_qty,unit_price_npr\n";

const std::string p1 = "3c85c8c7-50bb-433b-b84f-5894b8b44303";
const std::string p2 = "c089a31e-dac9-4d17-9c59-b69410d253a5";
const std::string w1 = "135a2620-be76-478e-93dc-093c22f11160";
const std::string w2 = "479c4603-58ec-4c9a-9178-e7f7780dd4e4";

std::string read_text(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  REQUIRE(in);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::string joined(const strings& errors) {
  std::string out;
  for (const auto& e : errors)
    out += e + "\n";
  return out;
}

}  // namespace

TEST_CASE("the shipped demo catalog is valid and complete", "[model]") {
  const std::string dir = KHAACHO_SOURCE_DIR "/data/catalog/";
  auto products = parse_products(read_text(dir + "products.csv"));
  auto wholesalers = parse_wholesalers(read_text(dir + "wholesalers.csv"));
  auto stock = parse_stock(read_text(dir + "stock.csv"));
  INFO(joined(products.errors) << joined(wholesalers.errors) << joined(stock.errors));
  REQUIRE(products.ok());
  REQUIRE(wholesalers.ok());
  REQUIRE(stock.ok());
  CHECK(products.records.size() == 306);
  CHECK(wholesalers.records.size() == 40);
  CHECK(stock.records.size() == 1153);
  CHECK(check_stock_references(stock.records, products.records, wholesalers.records).empty());
  // A quoted name with a comma survives, and its row number is the file's.
  auto atta = std::find_if(products.records.begin(), products.records.end(),
                           [](const auto& p) { return p.sku == "FLR-ATTA-WHEAFLOU"; });
  REQUIRE(atta != products.records.end());
  CHECK(atta->name == "Atta (Wheat Flour, Loose)");
  CHECK(atta->unit == "kg");
  CHECK_FALSE(atta->pack);
  CHECK(atta->aliases == strings{"atta", "aata", "aatta", "wheat flour", "आटा", "गहुँको पिठो"});
  // Four wholesalers have no e-mail address.
  auto without_email = std::count_if(wholesalers.records.begin(), wholesalers.records.end(),
                                     [](const auto& w) { return !w.email; });
  CHECK(without_email == 4);
}

TEST_CASE("product aliases are split on '|', trimmed and deduplicated", "[model]") {
  auto [name, aliases, expected] = GENERATE(table<std::string, std::string, strings>({
    {"English", "waiwai chicken|wai wai chiken", {"waiwai chicken", "wai wai chiken"}},
    {"romanized Nepali", "chini| suger |cheeni", {"chini", "suger", "cheeni"}},
    {"Devanagari", "चिनी|चीनी", {"चिनी", "चीनी"}},
    {"mixed scripts", "tori ko tel|तोरीको तेल|mustard oil", {"tori ko tel", "तोरीको तेल", "mustard oil"}},
    {"repeats dropped, first spelling kept", "Chini|chini|CHINI|चिनी|चिनी", {"Chini", "चिनी"}},
    {"empty pieces dropped", "|a||b|", {"a", "b"}},
    {"blank column", "", {}},
    {"only separators and spaces", " | | ", {}},
  }));
  CAPTURE(name);
  auto result = parse_products(products_header + p1 + ",SGR-CHINI-LOOSE,Sugar (Chini),kg,,sugar_salt,"
                               + aliases + "\n");
  INFO(joined(result.errors));
  REQUIRE(result.ok());
  REQUIRE(result.records.size() == 1);
  CHECK(result.records[0].aliases == expected);
}

TEST_CASE("pack sizes are a positive number and a canonical unit", "[model]") {
  auto [text, amount, value, unit] = GENERATE(table<std::string, std::string, double, std::string>({
    {"75 g", "75", 75.0, "g"},
    {"1 kg", "1", 1.0, "kg"},
    {"1.25 l", "1.25", 1.25, "l"},
    {"500 ml", "500", 500.0, "ml"},
    {"30 pcs", "30", 30.0, "pcs"},
    {"0.5  kg", "0.5", 0.5, "kg"},
  }));
  CAPTURE(text);
  auto result = parse_products(products_header + p1 + ",X-1,Thing," + "packet," + text
                               + ",noodles,\n");
  INFO(joined(result.errors));
  REQUIRE(result.ok());
  const auto& pack = result.records.at(0).pack;
  REQUIRE(pack);
  CHECK(pack->amount == amount);
  CHECK(pack->value == Approx(value));
  CHECK(pack->unit == unit);
  CHECK(result.records[0].pack_size_text == text);
}

TEST_CASE("product ids and units are normalized as PostgreSQL prints them", "[model]") {
  auto result = parse_products(products_header
                               + "3C85C8C7-50BB-433B-B84F-5894B8B44303, NDL-1 , Wai Wai ,packet,"
                                 "75 g,noodles,waiwai\n");
  REQUIRE(result.ok());
  CHECK(result.records[0].id == p1);
  CHECK(result.records[0].sku == "NDL-1");
  CHECK(result.records[0].name == "Wai Wai");
  CHECK(result.records[0].line == 2);
}

TEST_CASE("every bad product column is reported with file, line and column", "[model]") {
  // Each row replaces one column of a valid row.
  auto [row, expected] = GENERATE(table<std::string, std::string>({
    {"not-a-uuid,S1,Name,kg,,rice,", "products.csv:2: column 'id': \"not-a-uuid\" is not a UUID"},
    {"3c85c8c7-50bb-433b-b84f-5894b8b4430,S1,Name,kg,,rice,", "column 'id': \"3c85c8c7-50bb-433b-b84f-5894b8b4430\" is not a UUID"},
    {",S1,Name,kg,,rice,", "products.csv:2: column 'id': must not be blank"},
    {p1 + ",,Name,kg,,rice,", "products.csv:2: column 'sku': must not be blank"},
    {p1 + ",S 1,Name,kg,,rice,", "products.csv:2: column 'sku': \"S 1\" must not contain spaces"},
    {p1 + ",S1, ,kg,,rice,", "products.csv:2: column 'name': must not be blank"},
    {p1 + ",S1,Name,kgs,,rice,", "products.csv:2: column 'unit': \"kgs\" is not a canonical unit (kg, g, l, ml, pcs, packet, carton, dozen, bottle, box, bag, can, jar, bundle, tray)"},
    {p1 + ",S1,Name,केजी,,rice,", "products.csv:2: column 'unit': \"केजी\" is not a canonical unit"},
    {p1 + ",S1,Name,KG,,rice,", "products.csv:2: column 'unit': \"KG\" is not a canonical unit"},
    {p1 + ",S1,Name,packet,75g,rice,", "products.csv:2: column 'pack_size': \"75g\" is not \"<number> <unit>\""},
    {p1 + ",S1,Name,packet,g 75,rice,", "column 'pack_size': \"g 75\" is not \"<number> <unit>\""},
    {p1 + ",S1,Name,packet,-5 g,rice,", "column 'pack_size': \"-5 g\" is not \"<number> <unit>\""},
    {p1 + ",S1,Name,packet,1,5 kg,rice,", "products.csv:2: expected 7 fields as in the header, found 8"},
    {p1 + ",S1,Name,packet,0 g,rice,", "column 'pack_size': \"0 g\": the amount must be greater than 0"},
    {p1 + ",S1,Name,packet,75 gm,rice,", "column 'pack_size': \"75 gm\": \"gm\" is not a canonical unit"},
    {p1 + ",S1,Name,packet,1 k g,rice,", "column 'pack_size': \"1 k g\" is not \"<number> <unit>\""},
    {p1 + ",S1,Name,packet,,Edible Oil,", "products.csv:2: column 'category': \"Edible Oil\" is not a snake_case category"},
    {p1 + ",S1,Name,packet,,,", "products.csv:2: column 'category': must not be blank"},
    {p1 + ",S1,Name,kg,,rice", "products.csv:2: expected 7 fields as in the header, found 6"},
    {p1 + ",S1,\"Name,kg,,rice,", "products.csv:2: quoted field 3 is never closed"},
  }));
  CAPTURE(row);
  auto result = parse_products(products_header + row + "\n");
  CHECK_FALSE(result.ok());
  CHECK(result.records.empty());
  REQUIRE_FALSE(result.errors.empty());
  CHECK_THAT(result.errors.front(), Catch::Contains(expected));
}

TEST_CASE("one bad row reports all its bad columns and keeps the good rows", "[model]") {
  auto result = parse_products(products_header + p1 + ",S1,Sugar,kg,,sugar_salt,chini\n"
                               + "nope,S2,,litre,,oil,\n" + p2 + ",S3,Salt,packet,1 kg,sugar_salt,nun\n");
  CHECK(result.records.size() == 2);
  CHECK(result.errors == strings{
    "products.csv:3: column 'id': \"nope\" is not a UUID",
    "products.csv:3: column 'name': must not be blank",
    "products.csv:3: column 'unit': \"litre\" is not a canonical unit (kg, g, l, ml, pcs, packet, "
    "carton, dozen, bottle, box, bag, can, jar, bundle, tray)",
  });
}

TEST_CASE("duplicate product ids and SKUs name the first occurrence", "[model]") {
  auto result = parse_products(products_header + p1 + ",S1,A,kg,,rice,\n" + p2 + ",S2,B,kg,,rice,\n"
                               + p1 + ",S3,C,kg,,rice,\n" + "f0e5c3a4-1111-4222-8333-944455556666,S2,D,kg,,rice,\n");
  CHECK(result.errors == strings{
    "products.csv:4: column 'id': duplicate id " + p1 + ", first on line 2",
    "products.csv:5: column 'sku': duplicate sku \"S2\", first on line 3",
  });
}

TEST_CASE("header problems stop before the rows", "[model]") {
  auto [name, text, expected] = GENERATE(table<std::string, std::string, strings>({
    {"empty file", "", {"products.csv:1: the file is empty: expected a header row"}},
    {"missing columns", "id,sku,name,unit,category\n",
     {"products.csv:1: missing column 'pack_size'", "products.csv:1: missing column 'aliases'"}},
    {"duplicate column", "id,sku,name,unit,pack_size,category,aliases,sku\n",
     {"products.csv:1: column 'sku' appears twice in the header"}},
    {"wholesaler header given as products", wholesalers_header,
     {"products.csv:1: missing column 'sku'", "products.csv:1: missing column 'unit'",
      "products.csv:1: missing column 'pack_size'", "products.csv:1: missing column 'category'",
      "products.csv:1: missing column 'aliases'"}},
  }));
  CAPTURE(name);
  auto result = parse_products(text);
  CHECK(result.records.empty());
  CHECK(result.errors == expected);
}

TEST_CASE("extra columns and reordered columns are accepted", "[model]") {
  auto result = parse_products("aliases,note,category,pack_size,unit,name,sku,id\n"
                               "chini|चिनी,loose,sugar_salt,,kg,Sugar,SGR-1," + p1 + "\n");
  INFO(joined(result.errors));
  REQUIRE(result.ok());
  CHECK(result.records[0].sku == "SGR-1");
  CHECK(result.records[0].aliases == strings{"chini", "चिनी"});
}

TEST_CASE("errors of a multi-line row point at the line the row starts on", "[model]") {
  auto result = parse_products(products_header + p1 + ",S1,\"Sugar\nloose\",kgs,,rice,\n");
  CHECK(result.errors == strings{"products.csv:2: column 'unit': \"kgs\" is not a canonical unit "
                                 "(kg, g, l, ml, pcs, packet, carton, dozen, bottle, box, bag, "
                                 "can, jar, bundle, tray)"});
}

TEST_CASE("the error list is capped and counts the rest", "[model]") {
  std::string text = products_header;
  for (int i = 0; i < 70; ++i)
    text += "bad,S" + std::to_string(i) + ",N,kg,,rice,\n";
  auto result = parse_products(text, "big.csv");
  REQUIRE(result.errors.size() == max_listed_errors + 1);
  CHECK(result.errors.front() == "big.csv:2: column 'id': \"bad\" is not a UUID");
  CHECK(result.errors.back() == "big.csv: 20 more errors not listed");
}

TEST_CASE("long values are shortened in messages without splitting a character", "[model]") {
  // "x" shifts the 6-byte pairs so that byte 60 falls inside a character.
  std::string unit = "x";
  for (int i = 0; i < 40; ++i)
    unit += "के";
  auto result = parse_products(products_header + p1 + ",S1,N," + unit + ",,rice,\n");
  REQUIRE(result.errors.size() == 1);
  const auto& e = result.errors[0];
  CHECK_THAT(e, Catch::Contains("...\" is not a canonical unit"));
  CHECK(e.size() < 250);
  // Cut at a character boundary: the byte before "..." ends a UTF-8 sequence.
  auto dots = e.find("...");
  REQUIRE(dots != std::string::npos);
  CHECK(e.substr(dots - 3, 3) == "\xE0\xA4\x95");  // क, whole
}

TEST_CASE("canonical units are exactly the fifteen of the README", "[model]") {
  auto [unit, canonical] = GENERATE(table<std::string, bool>({
    {"kg", true}, {"g", true}, {"l", true}, {"ml", true}, {"pcs", true}, {"packet", true},
    {"carton", true}, {"dozen", true}, {"bottle", true}, {"box", true}, {"bag", true},
    {"can", true}, {"jar", true}, {"bundle", true}, {"tray", true},
    {"kgs", false}, {"KG", false}, {"ltr", false}, {"pc", false}, {"केजी", false},
    {"", false}, {" kg", false},
  }));
  CAPTURE(unit);
  CHECK(is_catalog_unit(unit) == canonical);
  CHECK(catalog_units().size() == 15);
}

TEST_CASE("wholesaler rows become records", "[model]") {
  auto result = parse_wholesalers(
    wholesalers_header + w1 + ",Shree Ganesh Traders,+9779743521953,info@ganesh.com.np,Kathmandu,0.90,true\n"
    + w2 + ",\"Janaki Traders, Janakpur\",+9779804206184,,,1,FALSE\n");
  INFO(joined(result.errors));
  REQUIRE(result.ok());
  REQUIRE(result.records.size() == 2);
  const auto& a = result.records[0];
  CHECK(a.id == w1);
  CHECK(a.email == std::optional<std::string>{"info@ganesh.com.np"});
  CHECK(a.city == "Kathmandu");
  CHECK(a.reliability_score == Approx(0.90));
  CHECK(a.whatsapp_opt_in);
  const auto& b = result.records[1];
  CHECK(b.name == "Janaki Traders, Janakpur");
  CHECK_FALSE(b.email);
  CHECK(b.city.empty());
  CHECK(b.reliability_score == Approx(1.0));
  CHECK_FALSE(b.whatsapp_opt_in);
  CHECK(b.line == 3);
}

TEST_CASE("every bad wholesaler column is reported", "[model]") {
  auto [row, expected] = GENERATE(table<std::string, std::string>({
    {"x,N,+9779743521953,,K,0.5,true", "wholesalers.csv:2: column 'id': \"x\" is not a UUID"},
    {w1 + ",,+9779743521953,,K,0.5,true", "wholesalers.csv:2: column 'name': must not be blank"},
    {w1 + ",N,9779743521953,,K,0.5,true", "column 'phone': \"9779743521953\" is not an E.164 number"},
    {w1 + ",N,+977 974 352 1953,,K,0.5,true", "column 'phone': \"+977 974 352 1953\" is not an E.164 number"},
    {w1 + ",N,+0779743521953,,K,0.5,true", "column 'phone': \"+0779743521953\" is not an E.164 number"},
    {w1 + ",N,+9771234,,K,0.5,true", "column 'phone': \"+9771234\" is not an E.164 number"},
    {w1 + ",N,+9779743521953,info.example.com,K,0.5,true", "column 'email': \"info.example.com\" is not an e-mail address"},
    {w1 + ",N,+9779743521953,a@b@c,K,0.5,true", "column 'email': \"a@b@c\" is not an e-mail address"},
    {w1 + ",N,+9779743521953,a b@c.np,K,0.5,true", "column 'email': \"a b@c.np\" is not an e-mail address"},
    {w1 + ",N,+9779743521953,,K,1.5,true", "wholesalers.csv:2: column 'reliability_score': \"1.5\" is not between 0 and 1"},
    {w1 + ",N,+9779743521953,,K,-0.1,true", "column 'reliability_score': \"-0.1\" is not a decimal number"},
    {w1 + ",N,+9779743521953,,K,0.555,true", "column 'reliability_score': \"0.555\" has more than two decimals"},
    {w1 + ",N,+9779743521953,,K,high,true", "column 'reliability_score': \"high\" is not a decimal number"},
    {w1 + ",N,+9779743521953,,K,,true", "column 'reliability_score': \"\" is not a decimal number"},
    {w1 + ",N,+9779743521953,,K,0.5,yes", "wholesalers.csv:2: column 'whatsapp_opt_in': \"yes\" is not true or false"},
    {w1 + ",N,+9779743521953,,K,0.5,", "column 'whatsapp_opt_in': \"\" is not true or false"},
  }));
  CAPTURE(row);
  auto result = parse_wholesalers(wholesalers_header + row + "\n");
  CHECK(result.records.empty());
  REQUIRE(result.errors.size() == 1);
  CHECK_THAT(result.errors[0], Catch::Contains(expected));
}

TEST_CASE("duplicate wholesaler ids are reported", "[model]") {
  auto result = parse_wholesalers(wholesalers_header + w1 + ",A,+9779743521953,,K,0.5,true\n"
                                  + w1 + ",B,+9779743521954,,K,0.5,true\n");
  CHECK(result.errors
        == strings{"wholesalers.csv:3: column 'id': duplicate id " + w1 + ", first on line 2"});
}

TEST_CASE("stock rows keep exact prices", "[model]") {
  auto [qty_text, price_text, qty, paisa, printed] =
    GENERATE(table<std::string, std::string, int32_t, int64_t, std::string>({
      {"1190", "25.84", 1190, 2584, "25.84"},
      {"0", "27.2", 0, 2720, "27.20"},
      {"5", "3000", 5, 300000, "3000.00"},
      {"2147483647", "0.05", 2147483647, 5, "0.05"},
      {"12", "9999999999.99", 12, 999999999999, "9999999999.99"},
    }));
  CAPTURE(qty_text, price_text);
  auto result = parse_stock(stock_header + w1 + "," + p1 + "," + qty_text + "," + price_text + "\n");
  INFO(joined(result.errors));
  REQUIRE(result.ok());
  const auto& s = result.records.at(0);
  CHECK(s.stock_qty == qty);
  CHECK(s.unit_price_paisa == paisa);
  CHECK(s.unit_price_text() == printed);
}

TEST_CASE("every bad stock column is reported", "[model]") {
  auto [row, expected] = GENERATE(table<std::string, std::string>({
    {"x," + p1 + ",1,1.00", "stock.csv:2: column 'wholesaler_id': \"x\" is not a UUID"},
    {w1 + ",y,1,1.00", "stock.csv:2: column 'product_id': \"y\" is not a UUID"},
    {w1 + "," + p1 + ",-3,1.00", "stock.csv:2: column 'stock_qty': \"-3\" is not a non-negative integer"},
    {w1 + "," + p1 + ",2.5,1.00", "column 'stock_qty': \"2.5\" is not a non-negative integer"},
    {w1 + "," + p1 + ",,1.00", "column 'stock_qty': \"\" is not a non-negative integer"},
    {w1 + "," + p1 + ",2147483648,1.00", "column 'stock_qty': \"2147483648\" is not a non-negative integer below 2^31"},
    {w1 + "," + p1 + ",1,12.345", "stock.csv:2: column 'unit_price_npr': \"12.345\" is not an amount in rupees with at most two decimals"},
    {w1 + "," + p1 + ",1,-1.00", "column 'unit_price_npr': \"-1.00\" is not an amount"},
    {w1 + "," + p1 + ",1,Rs 10", "column 'unit_price_npr': \"Rs 10\" is not an amount"},
    {w1 + "," + p1 + ",1,12345678901.00", "column 'unit_price_npr': \"12345678901.00\" is not an amount"},
    {w1 + "," + p1 + ",1,1e3", "column 'unit_price_npr': \"1e3\" is not an amount"},
  }));
  CAPTURE(row);
  auto result = parse_stock(stock_header + row + "\n");
  CHECK(result.records.empty());
  REQUIRE(result.errors.size() == 1);
  CHECK_THAT(result.errors[0], Catch::Contains(expected));
}

TEST_CASE("a wholesaler lists a product once in stock.csv", "[model]") {
  auto result = parse_stock(stock_header + w1 + "," + p1 + ",1,1.00\n" + w2 + "," + p1 + ",1,1.00\n"
                            + w1 + "," + p1 + ",2,2.00\n");
  CHECK(result.errors == strings{"stock.csv:4: column 'product_id': duplicate row for wholesaler "
                                 + w1 + " and product " + p1 + ", first on line 2"});
}

TEST_CASE("stock rows must name known products and wholesalers", "[model]") {
  auto products = parse_products(products_header + p1 + ",S1,A,kg,,rice,\n").records;
  auto wholesalers = parse_wholesalers(wholesalers_header + w1 + ",A,+9779743521953,,K,0.5,true\n").records;
  // Upper-case ids in stock.csv still match: ids compare as UUIDs, not text.
  std::string upper_p1 = "3C85C8C7-50BB-433B-B84F-5894B8B44303";
  auto stock = parse_stock(stock_header + w1 + "," + upper_p1 + ",1,1.00\n" + w2 + "," + p1
                           + ",1,1.00\n" + w1 + "," + p2 + ",1,1.00\n").records;
  REQUIRE(stock.size() == 3);
  CHECK(check_stock_references(stock, products, wholesalers)
        == strings{"stock.csv:3: column 'wholesaler_id': " + w2 + " is not in wholesalers.csv",
                   "stock.csv:4: column 'product_id': " + p2 + " is not in products.csv"});
}
