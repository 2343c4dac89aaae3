// Reading the JSON answer of Google Vision images:annotate, apart from the
// call itself so that it can be tested and fuzzed without a network.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

#include "adapters/ocr/ocr_engine.hpp"

namespace khaacho::ocr {

/// The result of a 2xx answer `body` of images:annotate (see vision_ocr::read):
/// an empty result when Vision found no text, errc::bad_input for a per-image
/// INVALID_ARGUMENT, errc::upstream_unavailable or errc::upstream_rejected for
/// other per-image errors and for a body that is not a JSON object. Messages
/// quoted from the body have every one of `secrets` redacted. Pure; any input.
caf::expected<ocr_result> parse_vision_answer(std::string_view body,
                                              const std::vector<std::string>& secrets);

}  // namespace khaacho::ocr
