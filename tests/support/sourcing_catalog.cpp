#include "support/sourcing_catalog.hpp"

#include <stdexcept>

#include "common/errc.hpp"
#include "common/json_writer.hpp"

namespace khaacho::test::sourcing {

namespace {

void run(db::pg_connection& db, const std::string& sql, std::vector<db::pg_value> params = {}) {
  auto r = db.exec(sql, std::move(params));
  if (!r)
    throw std::runtime_error(describe(r.error()) + " in: " + sql);
}

}  // namespace

void seed(db::pg_connection& db) {
  run(db, R"SQL(
INSERT INTO products (id, sku, name, unit, pack_size_value, pack_size_unit, pack_size_text, category) VALUES
 ('11111111-1111-4111-8111-000000000001', 'SGR-CHINI', 'Sugar (Chini)', 'kg', NULL, NULL, NULL, 'sugar_salt'),
 ('11111111-1111-4111-8111-000000000002', 'SLT-AAYO-1KG', 'Aayo Nun 1 kg', 'packet', 1, 'kg', '1 kg', 'sugar_salt'),
 ('11111111-1111-4111-8111-000000000003', 'NDL-WAIWAICHIC-75G', 'Wai Wai Chicken Noodles 75 g', 'packet', 75, 'g', '75 g', 'noodles'),
 ('11111111-1111-4111-8111-000000000004', 'NDL-WAIWAIVEG-75G', 'Wai Wai Veg Noodles 75 g', 'packet', 75, 'g', '75 g', 'noodles'),
 ('11111111-1111-4111-8111-000000000005', 'PC-DETTOL-125G', 'Dettol Soap 125 g', 'pcs', 125, 'g', '125 g', 'personal_care'),
 ('11111111-1111-4111-8111-000000000006', 'OIL-MUSTARD-1L', 'Mustard Oil 1 l', 'bottle', 1, 'l', '1 l', 'edible_oil')
)SQL");
  run(db, R"SQL(
INSERT INTO product_aliases (product_id, alias) VALUES
 ('11111111-1111-4111-8111-000000000001', 'chini'), ('11111111-1111-4111-8111-000000000001', 'चिनी'),
 ('11111111-1111-4111-8111-000000000001', 'suger'),
 ('11111111-1111-4111-8111-000000000002', 'aayo nun'), ('11111111-1111-4111-8111-000000000002', 'nun'),
 ('11111111-1111-4111-8111-000000000003', 'waiwai chicken'),
 ('11111111-1111-4111-8111-000000000004', 'waiwai veg'),
 ('11111111-1111-4111-8111-000000000005', 'dettol soap'),
 ('11111111-1111-4111-8111-000000000006', 'tori ko tel'), ('11111111-1111-4111-8111-000000000006', 'mustard oil')
)SQL");
  run(db, R"SQL(
INSERT INTO wholesalers (id, name, phone, email, city, reliability_score, whatsapp_opt_in) VALUES
 ('22222222-2222-4222-8222-00000000000a', 'A Traders', '+9779800000001', 'a@example.com', 'Kathmandu', 0.95, true),
 ('22222222-2222-4222-8222-00000000000b', 'B Suppliers', '+9779800000002', 'b@example.com', 'Lalitpur', 0.90, false),
 ('22222222-2222-4222-8222-00000000000c', 'C Wholesale', '+9779800000003', NULL, 'Pokhara', 0.80, true),
 ('22222222-2222-4222-8222-00000000000d', 'D Empty Shelves', '+9779800000004', 'd@example.com', 'Butwal', 0.99, true)
)SQL");
  run(db, R"SQL(
INSERT INTO wholesaler_products (wholesaler_id, product_id, stock_qty, unit_price_npr) VALUES
 ('22222222-2222-4222-8222-00000000000b', '11111111-1111-4111-8111-000000000001', 100, 110),
 ('22222222-2222-4222-8222-00000000000a', '11111111-1111-4111-8111-000000000001', 5, 105),
 ('22222222-2222-4222-8222-00000000000d', '11111111-1111-4111-8111-000000000001', 0, 90),
 ('22222222-2222-4222-8222-00000000000a', '11111111-1111-4111-8111-000000000002', 50, 25),
 ('22222222-2222-4222-8222-00000000000a', '11111111-1111-4111-8111-000000000003', 2, 25),
 ('22222222-2222-4222-8222-00000000000c', '11111111-1111-4111-8111-000000000003', 3, 24),
 ('22222222-2222-4222-8222-00000000000c', '11111111-1111-4111-8111-000000000004', 40, 24),
 ('22222222-2222-4222-8222-00000000000c', '11111111-1111-4111-8111-000000000006', 4, 300),
 ('22222222-2222-4222-8222-00000000000b', '11111111-1111-4111-8111-000000000006', 3, 310)
)SQL");
  run(db, "UPDATE catalog_state SET version = version + 1, updated_at = now()");
}

void checkpoint_reading(db::pg_connection& db, const std::string& order_id,
                        const std::string& items_json) {
  run(db,
      "INSERT INTO order_stage_checkpoints (order_id, stage, output) VALUES"
      " ($1::uuid, 'ocr', '{\"text\": \"\", \"lines\": []}'::jsonb), ($1::uuid, 'extract', $2::jsonb)",
      db::pg_params(order_id, items_json));
}

std::string item(const std::string& name, double quantity, const std::string& unit) {
  json_object o;
  o.add("name", name).add("quantity", quantity).add_or_null("unit", unit);
  o.add("rawUnit", unit).add("line", name).add("unsure", false);
  return o.str();
}

}  // namespace khaacho::test::sourcing
