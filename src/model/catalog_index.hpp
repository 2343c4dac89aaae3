// The catalog in memory, indexed for fuzzy matching of written item names
// ("wai wai chiken", "chini", "चिनी", "Dettol soap") to products. Built once
// per catalog version and then only read, so any number of threads may match
// against one index at the same time. Pure logic, no I/O.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace khaacho::model {

struct catalog_product {
  std::string id;    ///< UUID text
  std::string sku;
  std::string name;  ///< display name, "Wai Wai Chicken Noodles 75 g"
  std::string unit;  ///< canonical unit the product is sold in
  std::optional<double> pack_size_value;  ///< contents of one unit, e.g. 75
  std::string pack_size_unit;             ///< canonical unit of that, e.g. "g"; "" without a size
  std::string category;
  std::vector<std::string> aliases;  ///< misspellings, romanized Nepali, Devanagari
};

struct match_candidate {
  size_t product = 0;  ///< index into catalog_index::products()
  double score = 0;    ///< in [0,1]; 1 is an exact name or alias
  /// The name or alias that matched best (for review screens and logs).
  std::string matched;
};

class catalog_index {
 public:
  explicit catalog_index(std::vector<catalog_product> products);
  ~catalog_index();
  catalog_index(const catalog_index&) = delete;
  catalog_index& operator=(const catalog_index&) = delete;

  /// The best `limit` products for `text`, best first, found through the
  /// index (never a scan of the whole catalog). Empty when nothing is close.
  std::vector<match_candidate> match(std::string_view text, size_t limit) const;

  /// The same scoring applied to every product: the reference the index is
  /// measured against (tests, benchmark). Slow by design.
  std::vector<match_candidate> match_exhaustive(std::string_view text, size_t limit) const;

  const std::vector<catalog_product>& products() const;
  size_t size() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace khaacho::model
