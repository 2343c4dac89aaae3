#include "services/catalog_loader.hpp"

#include <unordered_map>

namespace khaacho::services {

caf::expected<int64_t> catalog_version(const db_client& db) {
  auto r = db.query({"SELECT version FROM catalog_state", {}});
  if (!r)
    return r.error();
  if (r->empty())
    return int64_t{0};
  return r->row(0).get<int64_t>("version");
}

caf::expected<std::shared_ptr<const catalog_snapshot>> load_catalog(const db_client& db) {
  auto rs = db.transact({
    {"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", {}},
    {"SELECT version FROM catalog_state", {}},
    {"SELECT id::text AS id, sku, name, unit::text AS unit, pack_size_value::float8 AS pack_value,"
     " pack_size_unit::text AS pack_unit, category FROM products ORDER BY id",
     {}},
    {"SELECT product_id::text AS product_id, alias FROM product_aliases ORDER BY product_id, alias",
     {}},
  });
  if (!rs)
    return rs.error();
  const auto& version_rows = (*rs)[1];
  const auto& product_rows = (*rs)[2];
  const auto& alias_rows = (*rs)[3];
  int64_t version = version_rows.empty() ? 0 : version_rows.row(0).get<int64_t>("version");
  std::vector<model::catalog_product> products;
  products.reserve(product_rows.size());
  std::unordered_map<std::string, size_t> at;
  at.reserve(product_rows.size());
  for (size_t i = 0; i < product_rows.size(); ++i) {
    auto row = product_rows.row(i);
    model::catalog_product p;
    p.id = row.get<std::string>("id");
    p.sku = row.get<std::string>("sku");
    p.name = row.get<std::string>("name");
    p.unit = row.get<std::string>("unit");
    p.pack_size_value = row.get_optional<double>("pack_value");
    p.pack_size_unit = row.get_optional<std::string>("pack_unit").value_or("");
    p.category = row.get<std::string>("category");
    at.emplace(p.id, products.size());
    products.push_back(std::move(p));
  }
  for (size_t i = 0; i < alias_rows.size(); ++i) {
    auto row = alias_rows.row(i);
    auto it = at.find(row.get<std::string>("product_id"));
    if (it != at.end())
      products[it->second].aliases.push_back(row.get<std::string>("alias"));
  }
  return std::shared_ptr<const catalog_snapshot>{
    std::make_shared<catalog_snapshot>(version, std::move(products))};
}

}  // namespace khaacho::services
