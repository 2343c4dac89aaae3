#include "services/catalog_holder.hpp"

namespace khaacho::services {

catalog_snapshot::catalog_snapshot(int64_t v, std::vector<model::catalog_product> products)
  : version(v), index(std::move(products)) {
  const auto& all = index.products();
  by_id.reserve(all.size());
  for (size_t i = 0; i < all.size(); ++i)
    by_id.emplace(all[i].id, i);
}

std::shared_ptr<const catalog_snapshot> catalog_holder::current() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return current_;
}

void catalog_holder::publish(std::shared_ptr<const catalog_snapshot> snapshot) {
  std::lock_guard<std::mutex> lock{mutex_};
  current_ = std::move(snapshot);
}

}  // namespace khaacho::services
