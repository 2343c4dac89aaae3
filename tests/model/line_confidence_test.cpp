// Items from lines the OCR engine doubted are flagged for review.
#include <catch2/catch.hpp>

#include "model/line_confidence.hpp"

using namespace khaacho::model;

TEST_CASE("items from low-confidence OCR lines become unsure", "[model]") {
  std::vector<extracted_item> items(3);
  items[0].line = "1. chini 10 kg";
  items[1].line = "  2. dal 5 kg\r";
  items[2].line = "3. tel 2 l";
  items[2].unsure = true;
  items[2].unsure_reason = "two numbers";
  std::vector<ocr_line> lines{{"Ram Kirana", 0.2}, {"1. chini 10 kg", 0.91}, {"2. dal 5 kg", 0.41},
                              {"3. tel 2 l", 0.3}};
  CHECK(flag_low_confidence_items(items, lines, 0.6) == 2);
  CHECK_FALSE(items[0].unsure);
  CHECK(items[1].unsure);
  CHECK(items[1].unsure_reason.find("0.41") != std::string::npos);
  CHECK(items[2].unsure);
  CHECK(items[2].unsure_reason.find("two numbers; ") == 0);
  // Without line confidences nothing changes.
  std::vector<extracted_item> more(1);
  more[0].line = "x 1 kg";
  CHECK(flag_low_confidence_items(more, {}, 0.6) == 0);
  CHECK_FALSE(more[0].unsure);
}
