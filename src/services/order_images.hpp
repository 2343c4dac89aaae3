// The photo of an order, for its owner (or an operator): the retailer's page
// shows it beside the items read from it. The key comes from the order's row,
// never from the request, and is checked again before storage is asked.
// BLOCKING (one statement, one blob read): call from HTTP handler threads.
#pragma once

#include <string>

#include <caf/expected.hpp>

#include "actors/db_call.hpp"
#include "adapters/storage/blob_storage.hpp"
#include "services/order_queries.hpp"

namespace khaacho::services {

struct order_image {
  std::string bytes;
  std::string content_type;  ///< from the bytes themselves: image/jpeg, image/png, image/webp
};

enum class image_lookup {
  found,
  no_order,  ///< no such order, or outside the caller's scope
  deleted,   ///< the order exists, its image is gone (retention sweep)
};

struct image_answer {
  image_lookup outcome = image_lookup::no_order;
  order_image image;  ///< set when found
};

class order_images {
public:
  order_images(db_client db, storage::blob_storage& storage)
    : db_(std::move(db)), storage_(&storage) {
  }

  /// The image of `order_id` if `scope` may see the order. Precondition:
  /// order_id is a UUID. Errors: transient database or storage failures;
  /// errc::internal for a stored key or blob that is not a valid image.
  caf::expected<image_answer> fetch(const std::string& order_id, const order_scope& scope) const;

private:
  db_client db_;
  storage::blob_storage* storage_;
};

}  // namespace khaacho::services
