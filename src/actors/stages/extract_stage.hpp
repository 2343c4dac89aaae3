// Stage 2: OCR text to {name, quantity, unit} items with the configured
// extractor (rule-based by default, or an OpenAI-compatible model). The items
// are the stage's checkpoint and land in uploaded_orders.parsed_data.
// A page without any item asks for review.
#pragma once

#include <string>
#include <vector>

#include "actors/stage_gate.hpp"
#include "actors/stages/stage_context.hpp"
#include "model/extracted_item.hpp"

namespace khaacho::stages {

stage_factory make_extract_stage(stage_context ctx);

/// The checkpoint JSON of extracted items ({"items": [...]}).
std::string items_json(const std::vector<model::extracted_item>& items);

}  // namespace khaacho::stages
