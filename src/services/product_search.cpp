#include "services/product_search.hpp"

#include "common/errc.hpp"

namespace khaacho::services {

caf::expected<std::vector<product_hit>> search_products(const catalog_holder& catalog,
                                                        const std::string& query, size_t limit) {
  auto snapshot = catalog.current();
  if (!snapshot)
    return caf::make_error(errc::upstream_unavailable, "the catalog is still loading");
  std::vector<product_hit> out;
  for (const auto& c : snapshot->index.match(query, limit)) {
    const auto& p = snapshot->index.products()[c.product];
    out.push_back({p.id, p.sku, p.name, p.unit, c.score});
  }
  return out;
}

}  // namespace khaacho::services
