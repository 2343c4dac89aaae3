// The answer of an OpenAI-compatible chat completion, judged against the
// order_items schema: apart from the call so that it can be tested and fuzzed.
#pragma once

#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "model/extracted_item.hpp"

namespace khaacho::extract {

/// One answer as judged: the items, or why it does not fit.
struct chat_answer {
  std::string said;     ///< the content (or refusal) to send back when repairing
  std::string problem;  ///< empty when the answer fits
  std::vector<model::extracted_item> items;
};

/// The units an item may have, comma-separated, for the prompt and errors.
std::string allowed_units_text();

/// Checks `content` against order_items_schema(); fills `out` when it fits,
/// else says what is wrong (for the model to fix, and for the final error).
std::string check_order_items(const std::string& content, std::vector<model::extracted_item>& out);

/// Reads the chat completion envelope `body` and judges its first choice.
/// Errors (errc::upstream_unavailable) only when the envelope itself is not a
/// chat completion. Pure; any input.
caf::expected<chat_answer> judge_chat_answer(const std::string& body);

}  // namespace khaacho::extract
