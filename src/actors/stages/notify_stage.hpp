// Stage 6: tells each RFQ's wholesaler through the outbox. One notifications
// row per (RFQ, channel): WhatsApp for wholesalers who opted in, e-mail for
// those with an address. A row is claimed, sent once, and its outcome
// recorded; a send whose outcome is unknown is retried with the same
// idempotency key, a SENT row is never sent again (also after a crash or a
// review). The stage succeeds when every row of the order is final.
#pragma once

#include "actors/stage_gate.hpp"
#include "actors/stages/stage_context.hpp"

namespace khaacho::stages {

stage_factory make_notify_stage(stage_context ctx);

}  // namespace khaacho::stages
