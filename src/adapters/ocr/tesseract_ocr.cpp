// Tesseract OCR: one TessBaseAPI per worker reads the cleaned page at each
// reading's scale; English pages are read again with the English model alone.
#include "adapters/ocr/tesseract_ocr.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include "common/errc.hpp"
#include "model/reading_alignment.hpp"

namespace khaacho::ocr {

namespace {

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

/// Recognizes `page` once (GetUTF8Text and the iterator share that result).
ocr_result read_page(tesseract::TessBaseAPI& api, Pix* page) {
  api.SetImage(page);
  api.SetSourceResolution(300);
  ocr_result out;
  if (std::unique_ptr<char[]> text{api.GetUTF8Text()}; text)
    out.text = text.get();
  out.confidence = out.text.find_first_not_of(" \t\r\n\f") == std::string::npos
                     ? 0.0
                     : std::max(0, api.MeanTextConf()) / 100.0;
  if (std::unique_ptr<tesseract::ResultIterator> it{api.GetIterator()}; it) {
    do {
      std::unique_ptr<char[]> line{it->GetUTF8Text(tesseract::RIL_TEXTLINE)};
      if (!line)
        continue;
      std::string text = line.get();
      while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
      if (!text.empty())
        out.lines.push_back({text, std::max(0.0f, it->Confidence(tesseract::RIL_TEXTLINE)) / 100.0});
    } while (it->Next(tesseract::RIL_TEXTLINE));
  }
  out.width = pixGetWidth(page);
  out.height = pixGetHeight(page);
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
  for (const auto& reading : readings_) {
    auto page = clean_page(image_bytes, reading);
    if (!page)
      return page.error();
    auto out = read_page(*api_, page->get());
    if (english_ && !out.lines.empty() && foreign_letter_share(out.text) <= max_foreign_share_)
      out = read_page(*english_, page->get());
    results.push_back(std::move(out));
    // A page the first reading finds empty is blank at any scale.
    if (results.front().lines.empty())
      break;
  }
  ocr_result out = std::move(results.front());
  if (results.size() > 1) {
    std::vector<std::vector<model::ocr_line>> lines;
    lines.push_back(out.lines);
    for (size_t i = 1; i < results.size(); ++i)
      lines.push_back(std::move(results[i].lines));
    out.line_readings = model::align_readings(lines);
  }
  return out;
}

}  // namespace khaacho::ocr
