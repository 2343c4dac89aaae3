// Accepting an uploaded order image: idempotency and duplicate checks, the
// durable blob, the PROCESSING row, then the hand-off to the pipeline.
// BLOCKING (storage and database round trips): call it from HTTP handler
// threads, never from CAF's scheduler.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <caf/expected.hpp>

#include "actors/db_call.hpp"
#include "adapters/storage/blob_storage.hpp"
#include "model/image_sniffer.hpp"

namespace khaacho::services {

struct upload_request {
  std::string retailer_id;      ///< lower-case UUID, already authorized
  std::string image;            ///< the whole file, already sniffed
  model::image_format format = model::image_format::jpeg;
  std::string idempotency_key;  ///< "" when the client sent none
  bool allow_duplicate = false;
  std::string request_id;       ///< for logs
  std::string trace_id;         ///< W3C trace id stored with the order ("" for none)
};

enum class upload_outcome {
  created,    ///< a new order: 202
  replayed,   ///< the Idempotency-Key was seen before: the first answer, 200
  duplicate,  ///< the same bytes within the window: the earlier order, 200
};

/// The order as the upload answer describes it.
struct upload_answer {
  upload_outcome outcome = upload_outcome::created;
  std::string id;
  std::string status;
  std::string image_url;
  std::string image_key;
  std::string created_at;  ///< RFC 3339 UTC
};

class upload_service {
public:
  /// Told the id of every newly created order (the pipeline's entry).
  using accepted_callback = std::function<void(const std::string& order_id)>;

  upload_service(db_client db, storage::blob_storage& storage,
                 std::chrono::seconds duplicate_window, accepted_callback on_accepted);

  /// An answer means: for `created`, the image is durable under its key and
  /// the row exists with status PROCESSING; on an error neither exists (a
  /// stored blob is deleted again when the row cannot be written).
  caf::expected<upload_answer> accept(const upload_request& req) const;

private:
  caf::expected<upload_answer> find_by_idempotency_key(const upload_request& req) const;
  caf::expected<upload_answer> find_duplicate(const upload_request& req,
                                              const std::string& sha256) const;

  db_client db_;
  storage::blob_storage* storage_;
  std::chrono::seconds duplicate_window_;
  accepted_callback on_accepted_;
};

}  // namespace khaacho::services
