// render_rfq: what a wholesaler reads in the e-mail and the WhatsApp template.
#include <catch2/catch.hpp>

#include <string>

#include "model/rfq_message.hpp"

using namespace khaacho::model;

namespace {

rfq_content sample() {
  rfq_content r;
  r.rfq_id = "1a2b3c4d-0000-4000-8000-00000000abcd";
  r.order_id = "9f8e7d6c-1111-4111-8111-000000001234";
  r.wholesaler_name = "Shree Ganesh Traders";
  r.retailer_label = "Ram Kirana Pasal";
  r.lines = {{"Chini", "SUG-1KG", "kg", 10},
             {"चिनी", "", "kg", 1.5},
             {"Wai Wai\nchicken", "WW-CHK", "carton", 2},
             {"Sabun", "", "", 3}};
  return r;
}

}  // namespace

TEST_CASE("quantities print without trailing zeros", "[model][notify]") {
  auto [q, text] = GENERATE(table<double, std::string>({
    {2, "2"},
    {1.5, "1.5"},
    {0.25, "0.25"},
    {10, "10"},
    {100.0, "100"},
    {2.125, "2.125"},
    {1.0 / 3.0, "0.333"},
    {0, "0"},
  }));
  CAPTURE(q);
  CHECK(format_quantity(q) == text);
}

TEST_CASE("an RFQ renders subject, text and four template parameters", "[model][notify]") {
  auto out = render_rfq(sample());
  CHECK(out.subject == "Request for quote 1a2b3c4d: 4 items for Ram Kirana Pasal");
  CHECK_THAT(out.text, Catch::StartsWith("Namaste Shree Ganesh Traders,\n"));
  CHECK_THAT(out.text, Catch::Contains("1. Chini (SKU SUG-1KG) - 10 kg\n"));
  CHECK_THAT(out.text, Catch::Contains("2. चिनी - 1.5 kg\n"));
  CHECK_THAT(out.text, Catch::Contains("3. Wai Wai chicken (SKU WW-CHK) - 2 carton\n"));
  CHECK_THAT(out.text, Catch::Contains("4. Sabun - 3\n"));
  CHECK_THAT(out.text, Catch::Contains("RFQ: 1a2b3c4d-0000-4000-8000-00000000abcd\n"));
  CHECK_THAT(out.text, Catch::Contains("Order: 9f8e7d6c-1111-4111-8111-000000001234\n"));

  REQUIRE(out.template_params.size() == 4);
  CHECK(out.template_params[0] == "Shree Ganesh Traders");
  CHECK(out.template_params[1] == "1a2b3c4d");
  CHECK(out.template_params[2] == "4");
  CHECK(out.template_params[3] == "Chini 10 kg, चिनी 1.5 kg, Wai Wai chicken 2 carton, Sabun 3");
}

TEST_CASE("a single item and no retailer read naturally", "[model][notify]") {
  auto r = sample();
  r.retailer_label = "";
  r.lines.resize(1);
  auto out = render_rfq(r);
  CHECK(out.subject == "Request for quote 1a2b3c4d: 1 item");
  CHECK_THAT(out.text, Catch::Contains("A retailer asks for"));
  CHECK(out.template_params[2] == "1");
}

TEST_CASE("template parameters are one line each", "[model][notify]") {
  auto r = sample();
  r.wholesaler_name = "  Shree\tGanesh\r\n  Traders ";
  auto out = render_rfq(r);
  for (const auto& p : out.template_params) {
    CAPTURE(p);
    CHECK(p.find_first_of("\r\n\t") == std::string::npos);
    CHECK(p.find("  ") == std::string::npos);
  }
  CHECK(out.template_params[0] == "Shree Ganesh Traders");
}

TEST_CASE("the item summary stays within WhatsApp's parameter cap", "[model][notify]") {
  auto r = sample();
  r.lines.clear();
  for (int i = 0; i < 200; ++i)
    r.lines.push_back({"तोरीको तेल " + std::to_string(i), "", "l", 1.5});
  auto out = render_rfq(r);
  const auto& summary = out.template_params[3];
  CAPTURE(summary);
  CHECK(summary.size() <= max_template_param_bytes);
  CHECK(summary.size() > max_template_param_bytes - 60);  // filled, not cut early
  CHECK_THAT(summary, Catch::StartsWith("तोरीको तेल 0 1.5 l, तोरीको तेल 1 1.5 l"));
  CHECK_THAT(summary, Catch::Matches(".* \\(\\+[0-9]+ more\\)$"));
  CHECK(out.template_params[2] == "200");
}

TEST_CASE("one item longer than the cap is cut on a character boundary", "[model][notify]") {
  auto r = sample();
  std::string name;
  for (int i = 0; i < 400; ++i)
    name += "चि";  // 6 bytes a repeat
  r.lines = {{name, "", "kg", 1}, {"Dal", "", "kg", 5}};
  auto summary = render_rfq(r).template_params[3];
  CHECK(summary.size() <= max_template_param_bytes);
  CHECK_THAT(summary, Catch::EndsWith("... (+1 more)"));
  // Every multi-byte character is whole: no continuation byte follows ASCII.
  auto cut = summary.find("...");
  REQUIRE(cut != std::string::npos);
  CHECK((static_cast<unsigned char>(summary[cut - 1]) & 0xC0) != 0xC0);
  CHECK(summary.substr(0, cut).size() % 3 == 0);  // whole 3-byte Devanagari characters
}

TEST_CASE("a short RFQ id is its own reference", "[model][notify]") {
  CHECK(short_rfq_ref("abc") == "abc");
  CHECK(short_rfq_ref("1a2b3c4d-0000") == "1a2b3c4d");
}
