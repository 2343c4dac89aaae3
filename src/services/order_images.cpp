#include "services/order_images.hpp"

#include "common/errc.hpp"
#include "model/image_sniffer.hpp"

namespace khaacho::services {

caf::expected<image_answer> order_images::fetch(const std::string& order_id,
                                                const order_scope& scope) const {
  auto rows = db_.query({"SELECT image_key, image_deleted_at IS NOT NULL AS deleted"
                         " FROM uploaded_orders"
                         " WHERE id = $1::uuid AND ($2::uuid IS NULL OR retailer_id = $2::uuid)",
                         db::pg_params(order_id, scope.retailer_id)});
  if (!rows)
    return rows.error();
  image_answer answer;
  if (rows->empty())
    return answer;
  auto row = rows->row(0);
  if (row.get<bool>("deleted")) {
    answer.outcome = image_lookup::deleted;
    return answer;
  }
  auto key = row.get<std::string>("image_key");
  // The service wrote the key, but a row is data: check it before it names a
  // file or an object (every backend checks again).
  if (!storage::is_valid_key(key))
    return caf::make_error(errc::internal, "order " + order_id + " has an invalid image key");
  auto bytes = storage_->get(key);
  if (!bytes) {
    // The row says the image exists: a missing blob is a fault, not a 404.
    if (has_code(bytes.error(), errc::not_found))
      return caf::make_error(errc::internal, "the image of order " + order_id + " is missing");
    return bytes.error();
  }
  // The type comes from the bytes, as at upload, not from a stored label.
  auto info = model::sniff_image(*bytes);
  if (!info)
    return caf::make_error(errc::internal, "the image of order " + order_id + " is not an image");
  answer.outcome = image_lookup::found;
  answer.image.bytes = std::move(*bytes);
  answer.image.content_type = model::mime_type(info->format);
  return answer;
}

}  // namespace khaacho::services
