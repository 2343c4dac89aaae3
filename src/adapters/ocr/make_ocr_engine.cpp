// The OCR engine that configuration names.
#include "adapters/ocr/ocr_engine.hpp"

#include <algorithm>
#include <mutex>

#include <spdlog/spdlog.h>

#include "adapters/ocr/line_model.hpp"
#include "adapters/ocr/tesseract_ocr.hpp"
#include "adapters/ocr/vision_ocr.hpp"
#include "common/errc.hpp"

namespace khaacho::ocr {

caf::expected<std::unique_ptr<ocr_engine>> make_ocr_engine(const config::ocr_settings& s) {
  if (s.backend == "tesseract") {
    auto readings = default_readings();
    readings.resize(std::clamp<size_t>(static_cast<size_t>(std::max<int64_t>(s.readings, 1)), 1,
                                       readings.size()));
    auto t = tesseract_ocr::open(s.languages, std::move(readings));
    if (!t)
      return t.error();
    if (s.reread_below > 0)
      (*t)->set_line_rereads(line_reread_heights(), s.reread_below);
    if (s.line_model != "off") {
      auto model = line_model::open(s.line_model);
      if (model) {
        (*t)->set_line_model(std::move(*model));
      } else if (s.line_model != config::ocr_settings::default_line_model) {
        return model.error();
      } else {
        static std::once_flag warned;
        std::call_once(warned, [&] {
          spdlog::warn("OCR reads with Tesseract alone: {} (scripts/run.sh installs the line model; "
                       "ocr.line-model=off silences this)",
                       describe(model.error()));
        });
      }
    }
    return std::unique_ptr<ocr_engine>{std::move(*t)};
  }
  if (s.backend == "vision") {
    if (s.vision_api_key.empty())
      return caf::make_error(errc::bad_input,
                             "'ocr.vision-api-key' (GOOGLE_VISION_API_KEY) is required for the vision backend");
    return std::unique_ptr<ocr_engine>{std::make_unique<vision_ocr>(s)};
  }
  return caf::make_error(errc::bad_input, "'ocr.backend' must be tesseract or vision");
}

}  // namespace khaacho::ocr
