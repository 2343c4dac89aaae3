#include "model/line_placement.hpp"

#include <catch2/catch.hpp>

using namespace khaacho::model;

TEST_CASE("lines of two readings pair by height on the page", "[model][ocr]") {
  std::vector<line_span> tesseract{{0.10, 0.14}, {0.20, 0.24}, {0.30, 0.34}};
  SECTION("each line finds the one at its height, whatever the order") {
    std::vector<line_span> model{{0.305, 0.345}, {0.095, 0.135}, {0.21, 0.25}};
    CHECK(pair_by_position(tesseract, model) == std::vector<int>{2, 0, 1});
  }
  SECTION("a line the other reading missed stays unpaired") {
    std::vector<line_span> model{{0.10, 0.14}, {0.40, 0.44}, {0.30, 0.34}};
    CHECK(pair_by_position(tesseract, model) == std::vector<int>{0, -1, 2});
  }
  SECTION("two lines at one height: the one overlapping more pairs, the other stays alone") {
    std::vector<line_span> model{{0.215, 0.255}, {0.20, 0.24}};
    CHECK(pair_by_position(tesseract, model) == std::vector<int>{-1, 1});
  }
  SECTION("overlapping less than half the shorter line is no pair") {
    std::vector<line_span> model{{0.13, 0.17}, {0.23, 0.27}};
    CHECK(pair_by_position(tesseract, model) == std::vector<int>{-1, -1});
    CHECK(pair_by_position(tesseract, model, 0.2) == std::vector<int>{0, 1});
  }
  SECTION("a tall line (two merged) pairs with one of the two it covers") {
    std::vector<line_span> merged{{0.10, 0.24}};
    std::vector<line_span> model{{0.10, 0.14}, {0.20, 0.24}};
    CHECK(pair_by_position(merged, model) == std::vector<int>{0, -1});
  }
  SECTION("empty and degenerate spans never pair") {
    CHECK(pair_by_position({}, {{0.1, 0.2}}) == std::vector<int>{-1});
    CHECK(pair_by_position(tesseract, {}).empty());
    CHECK(pair_by_position(tesseract, {{0.12, 0.12}}) == std::vector<int>{-1});
  }
}

TEST_CASE("overlap is a share of the shorter span, in any unit", "[model][ocr]") {
  CHECK(overlap_share({0.10, 0.14}, {0.12, 0.20}) == Approx(0.5));
  CHECK(overlap_share({100, 140}, {120, 200}) == Approx(0.5));
  CHECK(overlap_share({0, 10}, {2, 4}) == Approx(1.0));
  CHECK(overlap_share({0, 10}, {10, 20}) == 0);
  CHECK(overlap_share({0, 10}, {5, 5}) == 0);
}

TEST_CASE("a line over a crossed-out one is told by its overlap", "[model][ocr]") {
  std::vector<line_span> struck{{0.50, 0.54}};
  CHECK(overlaps_any({0.505, 0.545}, struck));
  CHECK_FALSE(overlaps_any({0.56, 0.60}, struck));
  CHECK_FALSE(overlaps_any({0.505, 0.545}, {}));
}
