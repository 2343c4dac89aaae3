#include "adapters/ocr/tesseract_ocr.hpp"

#include <cstdlib>

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include "common/errc.hpp"

namespace khaacho::ocr {

caf::expected<std::unique_ptr<tesseract_ocr>> tesseract_ocr::open(const std::string& languages,
                                                                  cleanup_options cleanup,
                                                                  int page_seg_mode) {
  // Leptonica's and Tesseract's chatter would go to stderr per image.
  setMsgSeverity(L_SEVERITY_ERROR);
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
