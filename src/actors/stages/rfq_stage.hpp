// Stage 5: one RFQ (order_broadcast_logs row) per wholesaler with the items
// allocated to it, frozen with product names and units. Idempotent: a re-run
// (retry, recovery, review) only writes what earlier RFQs of the order did
// not already ask that wholesaler for, as a new revision.
#pragma once

#include "actors/stage_gate.hpp"
#include "actors/stages/stage_context.hpp"

namespace khaacho::stages {

stage_factory make_rfq_stage(stage_context ctx);

}  // namespace khaacho::stages
