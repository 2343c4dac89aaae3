// Item extraction: OCR text in, {name, quantity, unit} items out.
// Implementations: the built-in rule-based extractor (default) and an
// OpenAI-compatible chat completions client. BLOCKING (the HTTP one): call
// from a stage worker; one object per worker thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "config/settings.hpp"
#include "model/extracted_item.hpp"

namespace khaacho::extract {

class item_extractor {
public:
  virtual ~item_extractor() = default;

  /// Items in reading order, already validated and cleaned
  /// (model::clean_items). Errors: errc::upstream_unavailable / errc::timeout
  /// (transient), errc::upstream_rejected or errc::bad_input (permanent).
  virtual caf::expected<std::vector<model::extracted_item>> extract(const std::string& ocr_text) = 0;

  virtual std::string name() const = 0;
};

/// The extractor `s.backend` names, for one worker. Errors: errc::bad_input.
caf::expected<std::unique_ptr<item_extractor>> make_item_extractor(const config::extract_settings& s);

}  // namespace khaacho::extract
