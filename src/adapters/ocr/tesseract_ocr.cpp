// Tesseract OCR: one TessBaseAPI per worker reads the cleaned page at each
// reading's scale; English pages are read again with the English model alone.
#include "adapters/ocr/tesseract_ocr.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <mutex>

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>
#include <spdlog/spdlog.h>

#include "adapters/ocr/line_model.hpp"
#include "common/errc.hpp"
#include "model/line_placement.hpp"
#include "model/reading_alignment.hpp"
#include "model/strike_detection.hpp"

namespace khaacho::ocr {

namespace {

/// Pages of Devanagari are left to Tesseract: the line model knows no
/// Devanagari. Mixed pages measure 2-40 % Devanagari letters on the dev set,
/// pages in Nepali alone over 90 %.
constexpr double max_line_model_foreign_share = 0.6;

/// Debian's Tesseract runs its LSTM layers in OpenMP teams of up to four
/// threads. The OCR stage already keeps one engine per core busy, and on a
/// loaded machine those teams spin and yield against each other (measured
/// on the dev set with two cores: 1.6 s wall for 0.6 s of work per image,
/// a third of it in the kernel). One thread per engine is the plan, so make
/// every OpenMP region of the process inactive (max-active-levels 0, as
/// OMP_THREAD_LIMIT=1 would). Looked up at run time: only libtesseract
/// links libgomp, and a build without OpenMP has nothing to turn off.
void one_thread_per_engine() {
  using set_levels = void (*)(int);
  if (auto* f = reinterpret_cast<set_levels>(dlsym(RTLD_DEFAULT, "omp_set_max_active_levels")))
    f(0);
}

/// What Leptonica, OpenMP and Tesseract keep per process, set before the
/// first engine opens. The OCR stage's workers open their engines at the
/// same time, and these are plain globals (ThreadSanitizer caught two
/// workers writing Tesseract's global `debug_file` at once).
void configure_process_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Leptonica's and Tesseract's chatter would go to stderr per image.
    setMsgSeverity(L_SEVERITY_ERROR);
    one_thread_per_engine();
    // A global parameter: any API object sets it for all.
    tesseract::TessBaseAPI api;
    api.SetVariable("debug_file", "/dev/null");
  });
}

caf::expected<std::unique_ptr<tesseract::TessBaseAPI>> make_api(const std::string& languages,
                                                                int page_seg_mode) {
  auto api = std::make_unique<tesseract::TessBaseAPI>();
  if (api->Init(nullptr, languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0)
    return caf::make_error(errc::bad_input,
                           "Tesseract cannot load the languages '" + languages
                             + "' (install tesseract-ocr-eng / -nep, or tesseract-ocr-script-latn /"
                               " -script-deva for Latin / Devanagari)");
  api->SetPageSegMode(static_cast<tesseract::PageSegMode>(page_seg_mode));
  // Word spacing in lists matters more than paragraph shape.
  api->SetVariable("preserve_interword_spaces", "1");
  return api;
}

/// Text Tesseract handed over (owned by the caller now), without the line
/// breaks and spaces it ends lines with.
std::string take_text(char* raw) {
  std::unique_ptr<char[]> owned{raw};
  std::string text = owned ? owned.get() : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text;
}

/// One text line as the engine found it, with where its words are.
struct found_line {
  std::string text;
  double confidence = 0;
  int left = 0, top = 0, right = 0, bottom = 0;
  std::vector<model::word_span> words;  ///< page columns
  std::vector<int> word_tops;
  std::vector<int> word_bottoms;
};

int median(std::vector<int> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

std::vector<found_line> find_lines(tesseract::ResultIterator& it) {
  std::vector<found_line> out;
  do {
    if (it.IsAtBeginningOf(tesseract::RIL_TEXTLINE)) {
      found_line line;
      line.text = take_text(it.GetUTF8Text(tesseract::RIL_TEXTLINE));
      line.confidence = std::max(0.0f, it.Confidence(tesseract::RIL_TEXTLINE)) / 100.0;
      it.BoundingBox(tesseract::RIL_TEXTLINE, &line.left, &line.top, &line.right, &line.bottom);
      out.push_back(std::move(line));
    }
    int l = 0, t = 0, r = 0, b = 0;
    if (!out.empty() && it.BoundingBox(tesseract::RIL_WORD, &l, &t, &r, &b)) {
      out.back().words.push_back({l, r - 1});
      out.back().word_tops.push_back(t);
      out.back().word_bottoms.push_back(b);
    }
  } while (it.Next(tesseract::RIL_WORD));
  return out;
}

/// Whether `line` is crossed out on the page. The region reaches a line
/// height past the text on either side, so a ruled line of the paper, which
/// runs on, is told from a pen stroke, which ends. Binarized here, per line
/// (Sauvola, a window of about a line height): Tesseract's own binary page
/// comes out with the paper as ink in shaded parts of some photos.
bool crossed_out(Pix* page, const found_line& line) {
  if (line.words.empty())
    return false;
  // The words' own middle: a line's box can be stretched by one tall mark
  // (a margin rule merged into it was seen to make it 440 px high).
  int top = median(line.word_tops);
  int bottom = median(line.word_bottoms);
  int width = pixGetWidth(page);
  int height = bottom - top;
  if (height < 8 || top < 0 || bottom > pixGetHeight(page))
    return false;
  // Half a line of margin above and below: the binarization's window needs
  // room, and what it sees there tells ink from paper.
  int x0 = std::max(0, line.words.front().left - height);
  int x1 = std::min(width, line.words.back().right + 1 + height);
  int y0 = std::max(0, top - height / 2);
  int y1 = std::min(pixGetHeight(page), bottom + height / 2);
  auto region = clip(page, x0, y0, x1, y1);
  if (!region)
    return false;
  pix_ptr gray{pixConvertTo8(region.get(), 0)};
  if (!gray)
    return false;
  int half_window = std::min(height / 2, (std::min(x1 - x0, y1 - y0) - 3) / 2);
  Pix* binary_raw = nullptr;
  if (half_window < 2
      || pixSauvolaBinarize(gray.get(), half_window, 0.34f, 1, nullptr, nullptr, nullptr, &binary_raw) != 0
      || binary_raw == nullptr)
    return false;
  pix_ptr binary{binary_raw};
  model::ink_grid grid;
  grid.width = pixGetWidth(binary.get());
  grid.height = pixGetHeight(binary.get());
  grid.ink.resize(static_cast<size_t>(grid.width) * static_cast<size_t>(grid.height));
  const l_uint32* data = pixGetData(binary.get());
  int wpl = pixGetWpl(binary.get());
  for (int y = 0; y < grid.height; ++y) {
    const l_uint32* row = data + static_cast<ptrdiff_t>(y) * wpl;
    for (int x = 0; x < grid.width; ++x)
      grid.ink[static_cast<size_t>(y) * static_cast<size_t>(grid.width) + static_cast<size_t>(x)] =
        static_cast<uint8_t>(GET_DATA_BIT(row, x));
  }
  model::line_box box;
  box.top = top - y0;
  box.bottom = bottom - 1 - y0;
  for (const auto& w : line.words)
    box.words.push_back({w.left - x0, w.right - x0});
  return model::is_struck_through(grid, box);
}

/// Recognizes `page` once (GetUTF8Text and the iterator share that result).
/// Lines crossed out on the paper are left out of the text and the lines
/// and listed in `struck_lines`: the retailer does not want them.
ocr_result read_page(tesseract::TessBaseAPI& api, Pix* page,
                     std::vector<std::array<int, 4>>* line_boxes = nullptr,
                     std::vector<std::array<int, 4>>* struck_boxes = nullptr) {
  api.SetImage(page);
  api.SetSourceResolution(300);
  ocr_result out;
  if (std::unique_ptr<char[]> text{api.GetUTF8Text()}; text)
    out.text = text.get();
  out.confidence = out.text.find_first_not_of(" \t\r\n\f") == std::string::npos
                     ? 0.0
                     : std::max(0, api.MeanTextConf()) / 100.0;
  std::vector<found_line> lines;
  if (std::unique_ptr<tesseract::ResultIterator> it{api.GetIterator()}; it)
    lines = find_lines(*it);
  for (const auto& line : lines) {
    if (line.text.empty())
      continue;
    if (crossed_out(page, line)) {
      out.struck_lines.push_back(line.text);
      if (struck_boxes != nullptr)
        struck_boxes->push_back({line.left, line.top, line.right, line.bottom});
      if (auto at = out.text.find(line.text); at != std::string::npos) {
        auto end = at + line.text.size();
        out.text.erase(at, end < out.text.size() && out.text[end] == '\n' ? end + 1 - at : end - at);
      }
      continue;
    }
    out.lines.push_back({line.text, line.confidence});
    if (line_boxes != nullptr)
      line_boxes->push_back({line.left, line.top, line.right, line.bottom});
  }
  out.width = pixGetWidth(page);
  out.height = pixGetHeight(page);
  api.Clear();
  return out;
}

/// Reads one line of `page` again on its own (single-line segmentation),
/// cropped with a quarter line of margin and scaled so the line is about
/// `height` px high. Empty when nothing was read.
model::ocr_line reread_line(tesseract::TessBaseAPI& api, Pix* page, const std::array<int, 4>& box,
                            int height) {
  auto [left, top, right, bottom] = box;
  int h = bottom - top;
  if (h < 4 || right <= left)
    return {};
  int margin = std::max(2, h / 4);
  int x0 = std::max(0, left - margin);
  int y0 = std::max(0, top - margin);
  int x1 = std::min(pixGetWidth(page), right + margin);
  int y1 = std::min(pixGetHeight(page), bottom + margin);
  auto crop = clip(page, x0, y0, x1, y1);
  if (!crop)
    return {};
  float scale = static_cast<float>(height) / static_cast<float>(h);
  pix_ptr scaled{pixScale(crop.get(), scale, scale)};
  if (!scaled)
    return {};
  api.SetPageSegMode(tesseract::PSM_SINGLE_LINE);
  api.SetImage(scaled.get());
  api.SetSourceResolution(300);
  model::ocr_line out;
  out.text = take_text(api.GetUTF8Text());
  out.confidence = out.text.empty() ? 0.0 : std::max(0, api.MeanTextConf()) / 100.0;
  api.Clear();
  return out;
}

}  // namespace

double foreign_letter_share(std::string_view text) {
  size_t latin = 0;
  size_t foreign = 0;
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (c < 0x80) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        ++latin;
    } else if (len == 3 && i + 2 < text.size()) {
      // Devanagari U+0900..U+097F is E0 A4 80 .. E0 A5 BF; its digits
      // (U+0966..U+096F, E0 A5 A6..AF) are no evidence of Nepali words.
      auto c1 = static_cast<unsigned char>(text[i + 1]);
      auto c2 = static_cast<unsigned char>(text[i + 2]);
      bool devanagari = c == 0xE0 && (c1 == 0xA4 || c1 == 0xA5);
      bool digit = c == 0xE0 && c1 == 0xA5 && c2 >= 0xA6 && c2 <= 0xAF;
      if (devanagari && !digit)
        ++foreign;
    }
    i += len;
  }
  return latin + foreign == 0 ? 0.0 : static_cast<double>(foreign) / static_cast<double>(latin + foreign);
}

std::vector<cleanup_options> default_readings() {
  cleanup_options narrow;
  narrow.min_width = 800;
  narrow.max_width = 1100;
  cleanup_options letters;
  letters.text_height = 20;
  return {narrow, letters};
}

caf::expected<std::unique_ptr<tesseract_ocr>> tesseract_ocr::open(
  const std::string& languages, std::vector<cleanup_options> readings, int page_seg_mode) {
  if (readings.empty())
    return caf::make_error(errc::bad_input, "Tesseract needs at least one reading");
  configure_process_once();
  std::unique_ptr<tesseract_ocr> out{new tesseract_ocr};
  out->readings_ = std::move(readings);
  out->page_seg_mode_ = page_seg_mode;
  auto all = make_api(languages, page_seg_mode);
  if (!all)
    return all.error();
  out->api_ = std::move(*all);
  if (languages.rfind("eng+", 0) == 0) {
    auto english = make_api("eng", page_seg_mode);
    if (!english)
      return english.error();
    out->english_ = std::move(*english);
  }
  return out;
}

void tesseract_ocr::set_line_model(std::unique_ptr<line_model> model) {
  line_model_ = std::move(model);
}

tesseract_ocr::~tesseract_ocr() {
  if (english_)
    english_->End();
  if (api_)
    api_->End();
}

bool tesseract_ocr::set_variable(const std::string& name, const std::string& value) {
  bool ok = api_->SetVariable(name.c_str(), value.c_str());
  if (english_)
    ok = english_->SetVariable(name.c_str(), value.c_str()) && ok;
  return ok;
}

caf::expected<ocr_result> tesseract_ocr::read(std::string_view image_bytes) {
  std::vector<ocr_result> results;
  std::vector<std::array<int, 4>> first_boxes;
  std::vector<std::array<int, 4>> first_struck;
  pix_ptr first_page;
  tesseract::TessBaseAPI* first_api = api_.get();
  // Decoded once: each reading (and the line model) cleans its own page from it.
  auto photo = decode_photo(image_bytes, readings_.front().max_pixels);
  if (!photo)
    return photo.error();
  for (const auto& reading : readings_) {
    pix_ptr page = clean_page(photo->get(), reading);
    bool first = results.empty();
    std::vector<std::array<int, 4>> boxes;
    std::vector<std::array<int, 4>> struck;
    auto out = read_page(*api_, page.get(), &boxes, &struck);
    if (english_ && !out.lines.empty() && foreign_letter_share(out.text) <= max_foreign_share_) {
      boxes.clear();
      struck.clear();
      out = read_page(*english_, page.get(), &boxes, &struck);
      if (first)
        first_api = english_.get();
    }
    if (first) {
      first_boxes = std::move(boxes);
      first_struck = std::move(struck);
      first_page = std::move(page);
    }
    results.push_back(std::move(out));
    // A page the first reading finds empty is blank at any scale.
    if (results.front().lines.empty())
      break;
  }
  ocr_result out = std::move(results.front());
  std::vector<std::vector<model::ocr_line>> groups;
  if (results.size() > 1) {
    std::vector<std::vector<model::ocr_line>> lines;
    lines.push_back(out.lines);
    for (size_t i = 1; i < results.size(); ++i)
      lines.push_back(std::move(results[i].lines));
    groups = model::align_readings(lines);
  }
  bool more_readings = false;  // a re-read or the line model added to a line
  bool boxed = first_boxes.size() == out.lines.size();
  if (boxed && !line_reread_heights_.empty()) {
    if (groups.empty())
      for (const auto& l : out.lines)
        groups.push_back({l});
    for (size_t i = 0; i < out.lines.size(); ++i) {
      if (out.lines[i].confidence >= reread_below_)
        continue;
      for (int height : line_reread_heights_) {
        auto again = reread_line(*first_api, first_page.get(), first_boxes[i], height);
        if (!again.text.empty()) {
          groups[i].push_back(std::move(again));
          more_readings = true;
        }
      }
    }
    first_api->SetPageSegMode(static_cast<tesseract::PageSegMode>(page_seg_mode_));
  }
  // A page (almost) all in Devanagari has nothing the line model reads.
  if (line_model_ && boxed && !out.lines.empty() && foreign_letter_share(out.text) <= max_line_model_foreign_share) {
    auto added = add_line_model_reading(photo->get(), out, groups, first_boxes, first_struck,
                                        pixGetHeight(first_page.get()));
    // The model is a second opinion: when it cannot run, Tesseract's
    // reading stands (an error here would fail an order that reads fine).
    if (added)
      more_readings = more_readings || *added;
    else
      spdlog::warn("the line model could not read a page, Tesseract's reading stands: {}",
                   describe(added.error()));
  }
  if (results.size() > 1 || more_readings)
    out.line_readings = std::move(groups);
  return out;
}

caf::expected<bool> tesseract_ocr::add_line_model_reading(Pix* photo, ocr_result& out,
                                                          std::vector<std::vector<model::ocr_line>>& groups,
                                                          const std::vector<std::array<int, 4>>& boxes,
                                                          const std::vector<std::array<int, 4>>& struck,
                                                          int page_height) {
  // Its own page: the detector and recognizer want the photo's detail, not
  // a page shrunk to Tesseract's letter size.
  auto page = clean_page(photo, cleanup_options{});
  auto read = line_model_->read_page(page.get());
  if (!read)
    return read.error();
  if (read->empty() || page_height <= 0)
    return false;
  auto span_of = [&](const std::array<int, 4>& b) {
    return model::line_span{b[1] / static_cast<double>(page_height), b[3] / static_cast<double>(page_height)};
  };
  std::vector<model::line_span> base, struck_spans, found;
  for (const auto& b : boxes)
    base.push_back(span_of(b));
  for (const auto& b : struck)
    struck_spans.push_back(span_of(b));
  for (const auto& l : *read)
    found.push_back(l.span);
  if (groups.empty())
    for (const auto& l : out.lines)
      groups.push_back({l});
  // Paired by height, not by text: where Tesseract garbles a line the two
  // readings share too few letters to be paired by them.
  auto pairs = model::pair_by_position(base, found);
  struct entry {
    double middle;
    std::vector<model::ocr_line> group;
  };
  std::vector<entry> merged;
  for (size_t i = 0; i < groups.size(); ++i)
    merged.push_back({(base[i].top + base[i].bottom) / 2, std::move(groups[i])});
  bool added = false;
  for (size_t j = 0; j < read->size(); ++j) {
    auto& line = (*read)[j].line;
    if (pairs[j] >= 0) {
      merged[static_cast<size_t>(pairs[j])].group.push_back(std::move(line));
      added = true;
    } else if (!model::overlaps_any(found[j], struck_spans)) {
      // A line Tesseract did not see (or saw crossed out: never an item).
      merged.push_back({(found[j].top + found[j].bottom) / 2, {std::move(line)}});
      added = true;
    }
  }
  std::stable_sort(merged.begin(), merged.end(),
                   [](const entry& a, const entry& b) { return a.middle < b.middle; });
  groups.clear();
  out.lines.clear();
  out.text.clear();
  for (auto& e : merged) {
    out.lines.push_back(e.group.front());
    out.text += (out.text.empty() ? "" : "\n") + e.group.front().text;
    groups.push_back(std::move(e.group));
  }
  return added;
}

}  // namespace khaacho::ocr
