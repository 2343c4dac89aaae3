// Stage 3: every extracted item matched to the in-memory catalog with a
// confidence; unsure matches, units that cannot be the product's amount and
// unsure readings are flagged (the order then ends PENDING_REVIEW after the
// sure items' RFQs went out). Writes the order's uploaded_order_items.
#pragma once

#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "actors/stage_gate.hpp"
#include "actors/stages/stage_context.hpp"
#include "model/extracted_item.hpp"

namespace khaacho::stages {

stage_factory make_normalize_stage(stage_context ctx);

/// The items of an extract checkpoint ({"items": [...]}, see items_json).
caf::expected<std::vector<model::extracted_item>> parse_items_json(const std::string& json);

}  // namespace khaacho::stages
