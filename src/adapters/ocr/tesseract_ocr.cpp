// Tesseract OCR: one TessBaseAPI per worker reads the cleaned page once.
#include "adapters/ocr/tesseract_ocr.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include "common/errc.hpp"

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

}  // namespace

caf::expected<std::unique_ptr<tesseract_ocr>> tesseract_ocr::open(const std::string& languages,
                                                                  cleanup_options cleanup,
                                                                  int page_seg_mode) {
  // Leptonica's and Tesseract's chatter would go to stderr per image.
  setMsgSeverity(L_SEVERITY_ERROR);
  one_thread_per_engine();
  std::unique_ptr<tesseract_ocr> out{new tesseract_ocr};
  out->api_ = std::make_unique<tesseract::TessBaseAPI>();
  out->cleanup_ = cleanup;
  if (out->api_->Init(nullptr, languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0)
    return caf::make_error(errc::bad_input, "Tesseract cannot load the languages '" + languages
                                              + "' (install tesseract-ocr-eng / -nep)");
  out->api_->SetVariable("debug_file", "/dev/null");
  out->api_->SetPageSegMode(static_cast<tesseract::PageSegMode>(page_seg_mode));
  // Word spacing in lists matters more than paragraph shape.
  out->api_->SetVariable("preserve_interword_spaces", "1");
  return out;
}

tesseract_ocr::~tesseract_ocr() {
  if (api_)
    api_->End();
}

bool tesseract_ocr::set_variable(const std::string& name, const std::string& value) {
  return api_->SetVariable(name.c_str(), value.c_str());
}

caf::expected<ocr_result> tesseract_ocr::read(std::string_view image_bytes) {
  auto page = clean_page(image_bytes, cleanup_);
  if (!page)
    return page.error();
  api_->SetImage(page->get());
  api_->SetSourceResolution(300);
  char* text = api_->GetUTF8Text();
  ocr_result out;
  if (text != nullptr) {
    out.text = text;
    delete[] text;
  }
  out.confidence = out.text.find_first_not_of(" \t\r\n\f") == std::string::npos
                     ? 0.0
                     : std::max(0, api_->MeanTextConf()) / 100.0;
  if (std::unique_ptr<tesseract::ResultIterator> it{api_->GetIterator()}; it) {
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
  out.width = pixGetWidth(page->get());
  out.height = pixGetHeight(page->get());
  api_->Clear();
  return out;
}

}  // namespace khaacho::ocr
