// GET /api/products: the catalog search review forms use, ranked by the same
// in-memory matcher the pipeline normalizes with.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "services/catalog_holder.hpp"

namespace khaacho::services {

struct product_hit {
  std::string id, sku, name, unit;
  double score = 0;
};

/// The best `limit` products for `query`; errc::upstream_unavailable while
/// the catalog has not been loaded yet.
caf::expected<std::vector<product_hit>> search_products(const catalog_holder& catalog,
                                                        const std::string& query, size_t limit);

}  // namespace khaacho::services
