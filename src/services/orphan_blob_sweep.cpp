// Start-up sweep of images whose upload never committed its row.
#include "services/orphan_blob_sweep.hpp"

#include <map>
#include <set>
#include <string>

#include "adapters/db/pg_result.hpp"
#include "common/errc.hpp"
#include "common/log.hpp"

namespace khaacho::services {

namespace {

constexpr size_t batch_size = 500;

/// The order id an image key carries (`.../<date>_order_<uuid>.<ext>`), or
/// empty for keys of another shape (left alone).
std::string order_id_of(const std::string& key) {
  auto at = key.rfind("_order_");
  if (at == std::string::npos || key.size() < at + 7 + 36)
    return {};
  auto id = key.substr(at + 7, 36);
  for (size_t i = 0; i < id.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    char c = id[i];
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return {};
  }
  return id;
}

}  // namespace

caf::expected<orphan_sweep_result> sweep_orphan_blobs(const db_client& db,
                                                      storage::blob_storage& store,
                                                      std::chrono::seconds min_age,
                                                      std::chrono::seconds window) {
  orphan_sweep_result out;
  if (auto gone = store.remove_leftovers(min_age))
    out.leftovers = *gone;
  else
    log::warn("could not delete leftover temporary files", {{"error", describe(gone.error())}});
  auto listed = store.list_written(min_age, window);
  if (!listed)
    return listed.error();
  std::map<std::string, std::string> by_id;  // order id -> key
  for (const auto& e : *listed)
    if (auto id = order_id_of(e.key); !id.empty())
      by_id.emplace(id, e.key);
  auto it = by_id.begin();
  while (it != by_id.end()) {
    // One parameter: a uuid[] literal of ids checked above (hex and dashes).
    std::string ids = "{";
    std::map<std::string, std::string> batch;
    for (; it != by_id.end() && batch.size() < batch_size; ++it) {
      ids += (batch.empty() ? "" : ",") + it->first;
      batch.insert(*it);
    }
    ids += "}";
    auto rows = db.query({"SELECT image_key FROM uploaded_orders WHERE id = ANY($1::uuid[])",
                          db::pg_params(ids)});
    if (!rows)
      return rows.error();
    std::set<std::string> named;
    for (size_t i = 0; i < rows->size(); ++i)
      named.insert(rows->row(i).get<std::string>("image_key"));
    for (const auto& [id, key] : batch) {
      ++out.checked;
      if (named.count(key) != 0)
        continue;
      if (auto removed = store.remove(key); removed && *removed) {
        ++out.removed;
        log::warn("deleted an image without an order (its upload never committed)",
                  {{"key", key}, {"order_id", id}});
      }
    }
  }
  return out;
}

}  // namespace khaacho::services
