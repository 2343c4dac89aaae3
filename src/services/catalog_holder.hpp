// The catalog the normalizer and the product search match against: one
// immutable, indexed snapshot per catalog version. Readers take a shared_ptr
// and keep matching against it while a newer one is built and published, so
// a reload never pauses matching.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/catalog_index.hpp"

namespace khaacho::services {

struct catalog_snapshot {
  catalog_snapshot(int64_t version, std::vector<model::catalog_product> products);

  int64_t version;
  model::catalog_index index;
  /// Product id → index into index.products().
  std::unordered_map<std::string, size_t> by_id;
};

class catalog_holder {
 public:
  /// The current snapshot, or null before the first load.
  std::shared_ptr<const catalog_snapshot> current() const;
  void publish(std::shared_ptr<const catalog_snapshot> snapshot);

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const catalog_snapshot> current_;
};

}  // namespace khaacho::services
