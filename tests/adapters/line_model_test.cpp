// The PP-OCR line model against the real models and the real ONNX Runtime
// library that scripts/test.sh installs into .local/line-model: it finds and
// reads the lines of rendered pages, turned ones too, and everything it is
// handed broken fails with an error instead of a crash.
#include <catch2/catch.hpp>

#include <leptonica/allheaders.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "adapters/ocr/line_model.hpp"
#include "adapters/ocr/ocr_engine.hpp"
#include "adapters/ocr/onnx_model.hpp"
#include "adapters/ocr/page_cleanup.hpp"
#include "adapters/ocr/tesseract_ocr.hpp"
#include "common/errc.hpp"
#include "support/test_images.hpp"

using namespace khaacho;
namespace fs = std::filesystem;

namespace {

std::string model_folder() {
  if (const char* dir = std::getenv("KHAACHO_LINE_MODEL_DIR"))
    return dir;
  return std::string{KHAACHO_SOURCE_DIR} + "/.local/line-model";
}

std::unique_ptr<ocr::line_model> open_model() {
  auto m = ocr::line_model::open(model_folder());
  if (!m)
    FAIL("the line model is not installed (scripts/test.sh installs it): " << describe(m.error()));
  return std::move(*m);
}

ocr::pix_ptr gray_page(const std::string& png) {
  auto page = ocr::clean_page(png, ocr::cleanup_options{});
  REQUIRE(page);
  return std::move(*page);
}

std::string joined(const std::vector<ocr::placed_line>& lines) {
  std::string out;
  for (const auto& l : lines)
    out += l.line.text + "\n";
  return out;
}

/// A scratch folder with copies of the installed files, for breaking them.
struct scratch_copy {
  fs::path dir = fs::temp_directory_path() / ("khaacho-line-model-" + std::to_string(::getpid()));
  scratch_copy() {
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const char* name : {"det.onnx", "rec.onnx", "keys.txt", "libonnxruntime.so.1"})
      fs::copy_file(fs::path{model_folder()} / name, dir / name);
  }
  ~scratch_copy() { fs::remove_all(dir); }
};

}  // namespace

TEST_CASE("the line model finds and reads the lines of a rendered order list", "[ocr][line-model]") {
  auto model = open_model();
  auto page = gray_page(test::render_text_page({"Ram Kirana Pasal", "1. chini 10 kg",
                                                "2. Wai Wai chicken - 5 carton", "3. Dettol soap x 12 pcs"}));
  auto lines = model->read_page(page.get());
  REQUIRE(lines);
  CAPTURE(joined(*lines));
  REQUIRE(lines->size() == 4);
  // Top to bottom, with the word gaps the recognizer's space class gives.
  CHECK((*lines)[0].line.text.find("Kirana") != std::string::npos);
  CHECK((*lines)[1].line.text.find("10 kg") != std::string::npos);
  CHECK((*lines)[2].line.text.find("5 carton") != std::string::npos);
  CHECK((*lines)[3].line.text.find("12 pcs") != std::string::npos);
  for (size_t i = 0; i < lines->size(); ++i) {
    const auto& l = (*lines)[i];
    CHECK(l.line.confidence > 0.5);
    CHECK(l.line.confidence <= 1.0);
    // Where it is, as shares of the page: inside it, below the line before.
    CHECK(l.span.top >= 0);
    CHECK(l.span.bottom <= 1);
    CHECK(l.span.top < l.span.bottom);
    if (i > 0)
      CHECK(l.span.top >= (*lines)[i - 1].span.bottom - 0.01);
  }
}

TEST_CASE("the line model reads a page photographed at a slant", "[ocr][line-model]") {
  auto model = open_model();
  auto png = test::render_text_page({"1. chini 10 kg", "2. Dettol soap x 12 pcs"});
  auto page = gray_page(png);
  // 4 degrees (deskew is not asked to undo it here), on paper wide enough
  // that no line leaves the picture.
  ocr::pix_ptr paper{pixAddBorder(page.get(), 150, 255)};
  ocr::pix_ptr turned{pixRotate(paper.get(), 0.07f, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0)};
  REQUIRE(turned);
  auto lines = model->read_page(turned.get());
  REQUIRE(lines);
  CAPTURE(joined(*lines));
  REQUIRE(lines->size() == 2);
  CHECK((*lines)[0].line.text.find("10 kg") != std::string::npos);
  CHECK((*lines)[1].line.text.find("12 pcs") != std::string::npos);
}

TEST_CASE("a blank page or no page reads as no lines", "[ocr][line-model]") {
  auto model = open_model();
  auto blank = gray_page(test::render_text_page({}));
  auto lines = model->read_page(blank.get());
  REQUIRE(lines);
  CHECK(lines->empty());
  auto none = model->read_page(nullptr);
  REQUIRE(none);
  CHECK(none->empty());
  // Not 8-bit gray: refused quietly rather than misread.
  ocr::pix_ptr binary{pixConvertTo1(blank.get(), 128)};
  auto one_bit = model->read_page(binary.get());
  REQUIRE(one_bit);
  CHECK(one_bit->empty());
}

TEST_CASE("a missing or broken line model folder is a bad_input naming the problem", "[ocr][line-model]") {
  auto missing = ocr::line_model::open("/nonexistent/line-model");
  REQUIRE_FALSE(missing);
  CHECK(has_code(missing.error(), errc::bad_input));
  CHECK(describe(missing.error()).find("det.onnx") != std::string::npos);

  scratch_copy copy;
  SECTION("a truncated model") {
    fs::resize_file(copy.dir / "rec.onnx", 1000);
    auto broken = ocr::line_model::open(copy.dir.string());
    REQUIRE_FALSE(broken);
    CHECK(has_code(broken.error(), errc::bad_input));
    CHECK(describe(broken.error()).find("rec.onnx") != std::string::npos);
  }
  SECTION("an empty character list") {
    std::ofstream{copy.dir / "keys.txt", std::ios::trunc};
    auto broken = ocr::line_model::open(copy.dir.string());
    REQUIRE_FALSE(broken);
    CHECK(describe(broken.error()).find("keys.txt") != std::string::npos);
  }
}

TEST_CASE("a line model that loads but cannot read leaves Tesseract's reading standing", "[ocr][line-model]") {
  scratch_copy copy;
  // The detector in the recognizer's place: it loads and runs, but answers
  // with a probability map where characters are expected.
  fs::copy_file(copy.dir / "det.onnx", copy.dir / "rec.onnx", fs::copy_options::overwrite_existing);
  auto model = ocr::line_model::open(copy.dir.string());
  REQUIRE(model);
  auto page = test::render_text_page({"1. chini 10 kg", "2. Dettol soap x 12 pcs"});
  auto gray = gray_page(page);
  auto read = (*model)->read_page(gray.get());
  REQUIRE_FALSE(read);
  CHECK(has_code(read.error(), errc::bad_input));
  CHECK(describe(read.error()).find("'rec.onnx' would not run") != std::string::npos);

  auto engine = ocr::tesseract_ocr::open(config::ocr_settings{}.languages, {ocr::default_readings().front()});
  REQUIRE(engine);
  (*engine)->set_line_model(std::move(*model));
  auto text = (*engine)->read(page);
  REQUIRE(text);
  CAPTURE(text->text);
  CHECK(text->lines.size() == 2);
  CHECK(text->line_readings.empty());  // no second opinion, and no error
  CHECK(text->text.find("12 pcs") != std::string::npos);
}

TEST_CASE("ONNX Runtime refuses a tensor of the wrong shape with an error", "[ocr][line-model]") {
  auto dir = fs::path{model_folder()};
  auto model = ocr::onnx_model::open((dir / "libonnxruntime.so.1").string(), (dir / "rec.onnx").string());
  REQUIRE(model);
  ocr::float_tensor wrong;
  wrong.shape = {1, 1, 48, 320};  // the recognizer wants 3 channels
  wrong.values.assign(48 * 320, 0.0f);
  auto out = (*model)->run(wrong);
  REQUIRE_FALSE(out);
  CHECK(has_code(out.error(), errc::bad_input));
  ocr::float_tensor mismatched;
  mismatched.shape = {1, 3, 48, 320};
  mismatched.values.assign(5, 0.0f);
  CHECK_FALSE((*model)->run(mismatched));
  // Still usable after both.
  ocr::float_tensor right;
  right.shape = {1, 3, 48, 320};
  right.values.assign(3 * 48 * 320, 0.0f);
  auto fine = (*model)->run(right);
  REQUIRE(fine);
  REQUIRE(fine->shape.size() == 3);
  CHECK(fine->shape[2] == 6625);  // blank + 6623 characters + space
}

TEST_CASE("the OCR engine adds the line model's reading to each line's alternatives", "[ocr][line-model]") {
  config::ocr_settings s;
  s.line_model = model_folder();
  s.reread_below = 0;
  s.readings = 1;
  auto engine = ocr::make_ocr_engine(s);
  REQUIRE(engine);
  auto read = (*engine)->read(test::render_text_page({"1. chini 10 kg", "2. Dettol soap x 12 pcs"}));
  REQUIRE(read);
  CAPTURE(read->text);
  REQUIRE(read->lines.size() == 2);
  // One Tesseract reading: the second alternative of each line is the model's.
  REQUIRE(read->line_readings.size() == 2);
  CHECK(read->line_readings[0].size() == 2);
  CHECK(read->line_readings[1].size() == 2);
  CHECK(read->line_readings[1].back().text.find("12 pcs") != std::string::npos);

  s.line_model = "off";
  auto alone = ocr::make_ocr_engine(s);
  REQUIRE(alone);
  auto plain = (*alone)->read(test::render_text_page({"1. chini 10 kg", "2. Dettol soap x 12 pcs"}));
  REQUIRE(plain);
  CHECK(plain->line_readings.empty());

  // A folder set explicitly must be there; the default one may be missing.
  s.line_model = "/nonexistent/line-model";
  auto refused = ocr::make_ocr_engine(s);
  REQUIRE_FALSE(refused);
  CHECK(has_code(refused.error(), errc::bad_input));
}
