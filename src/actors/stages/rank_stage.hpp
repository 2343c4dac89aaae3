// Stage 4: for every matched, unflagged item, the top 5 stocked wholesalers
// by reliability (one query for the whole order) and the item's quantity
// allocated across them (model/allocation). Writes order_item_allocations and
// each item's shortfall; flagged and unmatched items are not allocated.
#pragma once

#include "actors/stage_gate.hpp"
#include "actors/stages/stage_context.hpp"

namespace khaacho::stages {

stage_factory make_rank_stage(stage_context ctx);

}  // namespace khaacho::stages
