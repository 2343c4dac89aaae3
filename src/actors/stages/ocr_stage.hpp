// Stage 1: read the order photo. Each worker owns one OCR engine (one
// TessBaseAPI) and one storage client, built once. The text also lands in
// uploaded_orders.extracted_text (fenced by the lease) for the status API.
// An empty page asks for review; an undecodable photo fails the order.
#pragma once

#include "actors/stage_gate.hpp"
#include "actors/stages/stage_context.hpp"

namespace khaacho::stages {

stage_factory make_ocr_stage(stage_context ctx);

}  // namespace khaacho::stages
