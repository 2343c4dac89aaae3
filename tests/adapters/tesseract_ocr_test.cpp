// The Tesseract engine on real images rendered here (Leptonica's bitmap
// font), clean-up behaviour, and the rule-based extractor on what it reads.
#include <catch2/catch.hpp>

#include <leptonica/allheaders.h>

#include "adapters/extract/item_extractor.hpp"
#include "adapters/ocr/tesseract_ocr.hpp"
#include "common/errc.hpp"
#include "model/exif_orientation.hpp"
#include "support/error_checks.hpp"
#include "support/image_bytes.hpp"
#include "support/test_images.hpp"

using namespace khaacho;

namespace {

std::unique_ptr<ocr::tesseract_ocr> engine() {
  auto e = ocr::tesseract_ocr::open("eng+nep");
  REQUIRE(e);
  return std::move(*e);
}

}  // namespace

TEST_CASE("Tesseract reads a rendered order list and the extractor finds its items",
          "[ocr][tesseract]") {
  auto page = test::render_text_page({"Ram Kirana Pasal", "1. chini 10 kg", "2. Wai Wai chicken - 5 carton",
                           "3. Dettol soap x 12 pcs", "Thank you"});
  auto e = engine();
  auto read = e->read(page);
  REQUIRE(read);
  CAPTURE(read->text);
  // Leptonica's bitmap font is crude: assert the lines Tesseract reads well.
  CHECK(read->text.find("Wai Wai chicken") != std::string::npos);
  CHECK(read->text.find("Dettol soap x 12 pcs") != std::string::npos);
  CHECK(read->confidence > 0.5);
  auto extractor = extract::make_item_extractor(config::extract_settings{});
  REQUIRE(extractor);
  auto items = (*extractor)->extract(read->text);
  REQUIRE(items);
  bool found_soap = false;
  for (const auto& it : *items)
    if (it.name.find("Dettol") != std::string::npos) {
      found_soap = true;
      CHECK(it.quantity == 12);
      CHECK(it.unit == "pcs");
    }
  CHECK(found_soap);
  // The shop name and the greeting never become items.
  for (const auto& it : *items) {
    CHECK(it.name.find("Pasal") == std::string::npos);
    CHECK(it.name.find("hank") == std::string::npos);
  }
}

TEST_CASE("an empty page reads as no text, not as an error", "[ocr][tesseract]") {
  auto e = engine();
  auto read = e->read(test::render_text_page({}));
  REQUIRE(read);
  CHECK(read->text.find_first_not_of(" \n") == std::string::npos);
  CHECK(read->confidence == 0.0);
}

TEST_CASE("bytes that are no image are a permanent bad_input", "[ocr][tesseract]") {
  auto e = engine();
  for (std::string bytes : {std::string{}, std::string{"not an image at all"},
                            std::string{"\xFF\xD8\xFF\xE0"} + std::string(100, '\0')}) {
    auto read = e->read(bytes);
    REQUIRE_FALSE(read);
    CHECK(test::has_code(read.error(), errc::bad_input));
    CHECK_FALSE(is_transient(read.error()));
  }
}

TEST_CASE("an unknown language is refused when the engine is built", "[ocr][tesseract]") {
  auto e = ocr::tesseract_ocr::open("xxx");
  REQUIRE_FALSE(e);
  CHECK(test::has_code(e.error(), errc::bad_input));
}

TEST_CASE("EXIF orientation is read from the APP1 segment", "[model]") {
  // SOI, APP1 "Exif\0\0" + little-endian TIFF with one IFD entry 0x0112 = 6.
  std::string tiff = std::string{"II*\0", 4} + std::string{"\x08\0\0\0", 4} + std::string{"\x01\0", 2}
                     + std::string{"\x12\x01\x03\0\x01\0\0\0\x06\0\0\0", 12} + std::string(4, '\0');
  std::string body = std::string{"Exif\0\0", 6} + tiff;
  std::string jpeg = std::string{"\xFF\xD8\xFF\xE1", 4};
  auto len = body.size() + 2;
  jpeg += static_cast<char>(len >> 8);
  jpeg += static_cast<char>(len & 0xff);
  jpeg += body;
  jpeg += std::string{"\xFF\xDA\0\x02", 4};
  CHECK(model::exif_orientation(jpeg) == 6);
  // Big-endian and absent tags.
  std::string be = jpeg;
  CHECK(model::exif_orientation(std::string{"\xFF\xD8\xFF\xDA", 4}) == 1);
  CHECK(model::exif_orientation("") == 1);
  CHECK(model::exif_orientation(jpeg.substr(0, 12)) == 1);  // truncated
}

TEST_CASE("the clean-up tells a noisy page from a clean one", "[ocr]") {
  auto png = test::render_text_page({"1. chini 10 kg", "2. dal 5 kg"});
  PIX* page = pixReadMem(reinterpret_cast<const l_uint8*>(png.data()), png.size());
  REQUIRE(page != nullptr);
  PIX* gray = pixConvertTo8(page, 0);
  pixDestroy(&page);
  CHECK(ocr::speck_ratio(gray) < 0.05);
  // Salt-and-pepper noise: isolated dark pixels all over the page.
  uint32_t state = 12345;
  for (l_int32 y = 0; y < pixGetHeight(gray); y += 3)
    for (l_int32 x = 0; x < pixGetWidth(gray); x += 3) {
      state = state * 1103515245u + 12345u;
      if ((state >> 16) % 7 == 0)
        pixSetPixel(gray, x, y, 0);
    }
  CHECK(ocr::speck_ratio(gray) > 0.5);
  pixDestroy(&gray);
}

TEST_CASE("the share of Devanagari letters tells an English page from a mixed one", "[ocr]") {
  auto [text, low, high] = GENERATE(table<std::string, double, double>({
    {"1. chini 10 kg\n2. Wai Wai chicken - 5 carton", 0.0, 0.0},
    {"", 0.0, 0.0},
    {"१. चिनी १० केजी", 1.0, 1.0},                  // Devanagari digits are not letters
    {"1. chini 10 kg\n2. नुन - ५ पाकेट", 0.53, 0.54},  // 7 Latin, 8 Devanagari letters and signs
    {"Wai Wai chicken ८९०७ carton", 0.0, 0.0},      // stray digits of the mixed model
  }));
  CAPTURE(text);
  double share = ocr::foreign_letter_share(text);
  CHECK(share >= low);
  CHECK(share <= high);
}

TEST_CASE("an English page on an eng+nep engine reads the same words", "[ocr][tesseract]") {
  // Read again with eng alone (no Devanagari found): the text must still be there.
  auto e = engine();
  e->set_english_share(-1);
  auto page = test::render_text_page({"1. Dettol soap x 12 pcs", "2. Wai Wai chicken - 5 carton"});
  auto mixed = e->read(page);
  e->set_english_share(0.02);
  auto english = e->read(page);
  REQUIRE(mixed);
  REQUIRE(english);
  CAPTURE(mixed->text, english->text);
  CHECK(english->text.find("Dettol soap x 12 pcs") != std::string::npos);
  CHECK(english->text.find("Wai Wai chicken") != std::string::npos);
  CHECK(english->lines.size() == 2);
  CHECK(english->confidence > 0.5);
}

TEST_CASE("the default configuration reads each page twice and pairs the lines", "[ocr][tesseract]") {
  auto page = test::render_text_page({"Ram Kirana Pasal", "1. chini 10 kg", "2. Dettol soap x 12 pcs"});
  auto e = ocr::tesseract_ocr::open(config::ocr_settings{}.languages);
  REQUIRE(e);
  auto read = (*e)->read(page);
  REQUIRE(read);
  CAPTURE(read->text);
  REQUIRE_FALSE(read->lines.empty());
  REQUIRE(read->line_readings.size() == read->lines.size());
  size_t paired = 0;
  for (size_t i = 0; i < read->lines.size(); ++i) {
    REQUIRE_FALSE(read->line_readings[i].empty());
    CHECK(read->line_readings[i].front().text == read->lines[i].text);
    paired += read->line_readings[i].size() == 2;
  }
  // A clean page reads alike at both scales: every line finds its partner.
  CHECK(paired == read->lines.size());

  // One reading: no alternatives.
  auto single = ocr::tesseract_ocr::open(config::ocr_settings{}.languages,
                                         {ocr::default_readings().front()});
  REQUIRE(single);
  auto once = (*single)->read(page);
  REQUIRE(once);
  CHECK(once->line_readings.empty());
  CHECK(once->text == read->text);
  CHECK_FALSE(ocr::tesseract_ocr::open("eng", {}));
}

TEST_CASE("a photo declaring more pixels than the cap is refused before decoding", "[ocr][tesseract]") {
  auto e = engine();
  auto bomb = e->read(test::bomb_png(100000, 100000));
  REQUIRE_FALSE(bomb);
  CHECK(test::has_code(bomb.error(), errc::bad_input));
  CHECK(describe(bomb.error()).find("too large to read (100000 x 100000 pixels)") != std::string::npos);
  ocr::cleanup_options small_cap;
  small_cap.max_pixels = 1000;
  auto page = test::render_text_page({"1. chini 10 kg"});
  CHECK_FALSE(ocr::clean_page(page, small_cap));
  CHECK(ocr::clean_page(page));
}

TEST_CASE("a line crossed out on the paper is left out of the reading; underlines and rules are not",
          "[ocr][tesseract]") {
  std::vector<std::string> lines{"Ram Kirana Pasal", "1. chini 10 kg", "2. Dettol soap x 12 pcs",
                                 "3. Wai Wai chicken - 5 carton", "4. Rara noodles 3 ctn"};
  test::page_marks marks;
  marks.struck = {2};
  marks.underlined = {0};
  marks.ruled = {4};
  auto e = ocr::tesseract_ocr::open(config::ocr_settings{}.languages);
  REQUIRE(e);
  auto read = (*e)->read(test::render_text_page(lines, marks));
  REQUIRE(read);
  CAPTURE(read->text);
  REQUIRE(read->struck_lines.size() == 1);
  CHECK(read->struck_lines.front().find("12") != std::string::npos);
  CHECK(read->text.find("Dettol") == std::string::npos);
  for (const auto& l : read->lines)
    CHECK(l.text.find("Dettol") == std::string::npos);
  for (const auto& group : read->line_readings)
    for (const auto& l : group)
      CHECK(l.text.find("Dettol") == std::string::npos);
  // The others stay, the underlined shop name and the ruled line included.
  CHECK(read->text.find("chini 10 kg") != std::string::npos);
  CHECK(read->text.find("Wai Wai chicken") != std::string::npos);
  CHECK(read->text.find("Kirana") != std::string::npos);
  CHECK(read->text.find("3 ctn") != std::string::npos);
  auto extractor = extract::make_item_extractor(config::extract_settings{});
  REQUIRE(extractor);
  auto items = (*extractor)->extract(read->text);
  REQUIRE(items);
  CHECK(items->size() == 3);

  // The same page unmarked: nothing is struck.
  auto plain = (*e)->read(test::render_text_page(lines));
  REQUIRE(plain);
  CHECK(plain->struck_lines.empty());
  CHECK(plain->text.find("Dettol") != std::string::npos);
}

TEST_CASE("doubtful lines are read again alone, as more alternatives of the line", "[ocr][tesseract]") {
  auto page = test::render_text_page({"1. chini 10 kg", "2. Dettol soap x 12 pcs"});
  auto e = ocr::tesseract_ocr::open(config::ocr_settings{}.languages, {ocr::default_readings().front()});
  REQUIRE(e);
  // Every line counts as doubtful below a confidence of 1.
  (*e)->set_line_rereads(ocr::line_reread_heights(), 1.0);
  auto read = (*e)->read(page);
  REQUIRE(read);
  CAPTURE(read->text);
  REQUIRE(read->lines.size() == 2);
  REQUIRE(read->line_readings.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    const auto& group = read->line_readings[i];
    // The line as read on the page, then once per height.
    REQUIRE(group.size() == 1 + ocr::line_reread_heights().size());
    CHECK(group.front().text == read->lines[i].text);
    for (const auto& again : group)
      CHECK(again.confidence > 0.3);
  }
  CHECK(read->line_readings[1].back().text.find("12 pcs") != std::string::npos);

  // Below a confidence of 0 no line is doubtful: one reading, no alternatives.
  (*e)->set_line_rereads(ocr::line_reread_heights(), 0.0);
  auto plain = (*e)->read(page);
  REQUIRE(plain);
  CHECK(plain->line_readings.empty());
  CHECK(plain->text == read->text);
}
