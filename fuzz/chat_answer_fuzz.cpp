// libFuzzer target: an OpenAI-compatible chat completion answer judged
// against the order_items schema (extract::judge_chat_answer), and the item
// check alone over the same bytes. Items of an answer that fits have a
// positive finite quantity and an allowed unit.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "adapters/extract/chat_answer.hpp"
#include "model/catalog_records.hpp"

namespace {

void check_fitting(const std::string& problem, const std::vector<khaacho::model::extracted_item>& items) {
  if (!problem.empty())
    return;
  for (const auto& item : items)
    if (!std::isfinite(item.quantity) || item.quantity <= 0
        || (!item.unit.empty() && !khaacho::model::is_catalog_unit(item.unit)))
      std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body{reinterpret_cast<const char*>(data), size};
  using namespace khaacho::extract;
  if (auto answer = judge_chat_answer(body))
    check_fitting(answer->problem, answer->items);
  std::vector<khaacho::model::extracted_item> items;
  auto problem = check_order_items(body, items);
  check_fitting(problem, items);
  return 0;
}
