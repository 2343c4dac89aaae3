// Item extraction by an OpenAI-compatible chat completions API with a strict
// JSON schema (structured outputs), validated here and repaired once.
#pragma once

#include <string>
#include <vector>

#include "adapters/extract/item_extractor.hpp"
#include "adapters/http/curl_json_client.hpp"

namespace khaacho::extract {

/// Asks `POST {openai_base_url}/chat/completions` (model `openai_model`,
/// temperature 0, `Authorization: Bearer` the key, left out when empty) for
/// the items of one OCR text. BLOCKING: one call per extract(), two when the
/// first answer does not fit the schema, each at most `timeouts.total` long;
/// one object per worker thread. The key never appears in an error message.
class openai_extractor final : public item_extractor {
public:
  /// Takes `s.openai_base_url` (tests point it at a loopback fake),
  /// `s.openai_model` and `s.openai_api_key`. Does no I/O.
  /// The default deadlines (5 s connect, 25 s total per call) let a call and
  /// its repair fit in the extract stage's default 60 s timeout.
  explicit openai_extractor(const config::extract_settings& s,
                            http_client::http_timeouts timeouts = default_timeouts());

  static http_client::http_timeouts default_timeouts() {
    return {std::chrono::milliseconds{5000}, std::chrono::milliseconds{25000}};
  }

  // item_extractor

  /// Items in the model's order, checked against the schema (fields and
  /// types, positive finite quantity, canonical unit or "") but NOT cleaned:
  /// the caller runs them through model::clean_items. A "" unit comes back
  /// unsure. A blank text gives no items without a call.
  ///
  /// An answer that does not fit (not JSON, fields missing or extra, wrong
  /// types, a refusal, cut off by the length limit) is sent back once with
  /// the reason; a second misfit is errc::bad_input. Other errors:
  /// errc::bad_input (text over 32 KiB, a key unfit for a header);
  /// errc::upstream_unavailable (transport failure, timeout, 408, 429, 5xx,
  /// an answer that is not a chat completion), with Retry-After when sent;
  /// errc::upstream_rejected (400, 401, 403, 404, other 4xx).
  caf::expected<std::vector<model::extracted_item>> extract(const std::string& ocr_text) override;

  std::string name() const override { return "openai"; }

private:
  std::string url_;
  std::string model_;
  std::string api_key_;
  std::vector<std::string> secrets_;
  http_client::curl_json_client client_;
};

/// The JSON schema the answer must fit (exposed for tests and docs).
std::string order_items_schema();

/// The system prompt (exposed for tests and docs).
const std::string& extraction_prompt();

}  // namespace khaacho::extract
