// Benchmarks read a catalog straight from products.csv (the data/catalog
// layout) into the matcher's products, without a database in between.
#pragma once

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "model/catalog_index.hpp"
#include "model/catalog_records.hpp"

namespace khaacho::bench {

inline std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

/// The products of DIR/products.csv; parse errors are printed to stderr.
inline std::vector<model::catalog_product> load_catalog_csv(const std::string& dir) {
  auto parsed = model::parse_products(read_file(dir + "/products.csv"));
  for (const auto& e : parsed.errors)
    std::fprintf(stderr, "%s\n", e.c_str());
  std::vector<model::catalog_product> out;
  out.reserve(parsed.records.size());
  for (auto& r : parsed.records) {
    model::catalog_product p;
    p.id = r.id;
    p.sku = r.sku;
    p.name = r.name;
    p.unit = r.unit;
    if (r.pack) {
      p.pack_size_value = r.pack->value;
      p.pack_size_unit = r.pack->unit;
    }
    p.category = r.category;
    p.aliases = r.aliases;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace khaacho::bench
