// The catalog search behind GET /api/products: the route answers 503 while
// no catalog is loaded, and ranks with the pipeline's matcher once it is.
#include <catch2/catch.hpp>

#include "common/errc.hpp"
#include "services/product_search.hpp"

using namespace khaacho;

TEST_CASE("product search refuses until a catalog is published, then ranks with the matcher",
          "[services]") {
  services::catalog_holder holder;
  auto loading = services::search_products(holder, "chini", 5);
  REQUIRE_FALSE(loading);
  CHECK(has_code(loading.error(), errc::upstream_unavailable));
  CHECK(is_transient(loading.error()));

  model::catalog_product sugar;
  sugar.id = "11111111-1111-4111-8111-000000000001";
  sugar.sku = "SGR-CHINI";
  sugar.name = "Sugar (Chini)";
  sugar.unit = "kg";
  sugar.category = "sugar_salt";
  sugar.aliases = {"chini", "चिनी"};
  model::catalog_product salt;
  salt.id = "11111111-1111-4111-8111-000000000002";
  salt.sku = "SLT-NUN";
  salt.name = "Iodized Salt (Nun) 1 kg";
  salt.unit = "packet";
  salt.pack_size_value = 1;
  salt.pack_size_unit = "kg";
  salt.category = "sugar_salt";
  salt.aliases = {"nun", "नुन"};
  holder.publish(std::make_shared<services::catalog_snapshot>(
    7, std::vector<model::catalog_product>{sugar, salt}));
  REQUIRE(holder.current()->version == 7);
  REQUIRE(holder.current()->by_id.at(salt.id) == 1);

  auto hits = services::search_products(holder, "चिनी", 5);
  REQUIRE(hits);
  REQUIRE_FALSE(hits->empty());
  CHECK(hits->front().id == sugar.id);
  CHECK(hits->front().sku == "SGR-CHINI");
  CHECK(hits->front().score == Approx(1.0));
  auto one = services::search_products(holder, "nun", 1);
  REQUIRE(one);
  REQUIRE(one->size() == 1);
  CHECK(one->front().id == salt.id);
}
