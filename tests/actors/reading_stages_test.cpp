// The real OCR and extract stages inside the pipeline (the later stages are
// test stages): a photo in storage becomes text and items in the database.
#include <catch2/catch.hpp>

#include "actors/stages/extract_stage.hpp"
#include "actors/stages/ocr_stage.hpp"
#include "adapters/storage/blob_storage.hpp"
#include "services/catalog_holder.hpp"
#include "support/pipeline_harness.hpp"
#include "support/temp_dir.hpp"
#include "support/test_images.hpp"

using namespace khaacho;
using namespace khaacho::test;

namespace {

/// A catalog of one product, for the extract stage's choice of readings.
std::shared_ptr<services::catalog_holder> kurkure_catalog() {
  std::vector<model::catalog_product> products(1);
  products[0].id = "6f1d1f0e-3a57-4c5e-9b0e-1d2f3a4b5c6d";
  products[0].name = "Kurkure Masala Munch 90 g";
  products[0].unit = "packet";
  products[0].category = "Snacks";
  auto holder = std::make_shared<services::catalog_holder>();
  holder->publish(std::make_shared<services::catalog_snapshot>(1, std::move(products)));
  return holder;
}

struct reading_fixture {
  temp_dir storage_root;
  pipeline_harness h{[this](config::settings& s) {
    s.storage.local_root = storage_root.path().string();
    s.stages["ocr"].max_concurrent = 1;
    s.stages["ocr"].timeout = std::chrono::seconds{60};
  }};
  std::unique_ptr<storage::blob_storage> store;

  reading_fixture() {
    auto st = storage::make_blob_storage(h.settings().storage);
    REQUIRE(st);
    store = std::move(*st);
    stages::stage_context ctx{&h.system(), h.pool(), h.settings(), kurkure_catalog(), "test-node"};
    h.overrides["ocr"] = stages::make_ocr_stage(ctx);
    h.overrides["extract"] = stages::make_extract_stage(ctx);
  }

  std::string order_with_image(const std::string& key, const std::string& bytes) {
    REQUIRE(store->put(key, bytes, "image/png"));
    return h.add_order("0b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c11", key);
  }
};

}  // namespace

TEST_CASE("a photo becomes text and items, then moves on", "[actors][postgres][ocr]") {
  reading_fixture f;
  auto id = f.order_with_image("orders/list.png",
                               render_text_page({"Ram Kirana Pasal", "2. Wai Wai chicken - 5 carton",
                                              "3. Dettol soap x 12 pcs", "Thank you"}));
  f.h.start();
  REQUIRE(f.h.wait_terminal({id}, std::chrono::seconds{90}));
  CHECK(f.h.status(id) == "COMPLETED");
  auto row = f.h.db().exec("SELECT extracted_text, ocr_confidence::float8 AS c, parsed_data::text AS p"
                           " FROM uploaded_orders WHERE id = $1::uuid", db::pg_params(id));
  REQUIRE(row);
  auto text = row->row(0).get<std::string>("extracted_text");
  CAPTURE(text);
  CHECK(text.find("Dettol") != std::string::npos);
  CHECK(row->row(0).get<double>("c") > 0.3);
  auto parsed = row->row(0).get<std::string>("p");
  CAPTURE(parsed);
  CHECK(parsed.find(R"("quantity": 12)") != std::string::npos);
  CHECK(parsed.find(R"("unit": "pcs")") != std::string::npos);
  CHECK(parsed.find("Pasal") == std::string::npos);
}

TEST_CASE("a photo that cannot be decoded fails the order with a readable reason",
          "[actors][postgres][ocr]") {
  reading_fixture f;
  auto id = f.order_with_image("orders/broken.png", "\x89PNG\r\n\x1a\n garbage, not an image");
  f.h.start();
  REQUIRE(f.h.wait_terminal({id}, std::chrono::seconds{60}));
  CHECK(f.h.status(id) == "FAILED");
  CHECK(f.h.failure_reason(id).find("photo could not be read") != std::string::npos);
  CHECK(f.h.attempts(id, "ocr").size() == 1);  // permanent: not retried
}

TEST_CASE("an empty page asks for review instead of failing", "[actors][postgres][ocr]") {
  reading_fixture f;
  auto id = f.order_with_image("orders/blank.png", render_text_page({}));
  f.h.start();
  REQUIRE(f.h.wait_terminal({id}, std::chrono::seconds{60}));
  CHECK(f.h.status(id) == "PENDING_REVIEW");
  CHECK(f.h.script->calls("normalize").empty());
}

TEST_CASE("extract keeps, per line, the OCR reading that names a catalog product",
          "[actors][postgres][ocr]") {
  reading_fixture f;
  auto id = f.h.add_order();
  // As if OCR had run: its checkpoint holds two readings of the item line;
  // the more confident one is a misreading.
  auto checkpoint = R"({"text": "Ram Kirana\nKUIKUZE MASALA X 20 OKT\n", "confidence": 0.7,
    "engine": "tesseract", "lines": [
      {"text": "Ram Kirana", "confidence": 0.9},
      {"text": "KUIKUZE MASALA X 20 OKT", "confidence": 0.9,
       "alternatives": [{"text": "KURKURE MASALA X 20 PKT", "confidence": 0.6}]}]})";
  REQUIRE(f.h.db().exec("INSERT INTO order_stage_checkpoints (order_id, stage, output)"
                        " VALUES ($1::uuid, 'ocr', $2::jsonb)",
                        db::pg_params(id, std::string{checkpoint})));
  f.h.start();
  REQUIRE(f.h.wait_terminal({id}, std::chrono::seconds{60}));
  CHECK(f.h.script->calls("ocr").empty());  // resumed after the checkpoint
  auto row = f.h.db().exec("SELECT parsed_data::text AS p FROM uploaded_orders WHERE id = $1::uuid",
                           db::pg_params(id));
  REQUIRE(row);
  auto parsed = row->row(0).get<std::string>("p");
  CAPTURE(parsed);
  CHECK(parsed.find("KURKURE MASALA") != std::string::npos);
  CHECK(parsed.find("KUIKUZE") == std::string::npos);
  CHECK(parsed.find(R"("unit": "packet")") != std::string::npos);
}
