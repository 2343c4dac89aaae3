// A small catalog with wholesalers and stock for tests of normalization,
// ranking, RFQs and notifications: few enough rows to reason about every
// allocation by hand.
//
//   product            unit    pack   stock (wholesaler: qty)
//   Sugar (Chini)      kg      -      B 100, A 5, D 0
//   Aayo Nun 1 kg      packet  1 kg   A 50
//   Wai Wai Chicken    packet  75 g   A 2, C 3
//   Wai Wai Veg        packet  75 g   C 40
//   Dettol Soap 125 g  pcs     125 g  (none)
//   Mustard Oil 1 l    bottle  1 l    C 4, B 3  (reliability C < B)
//
//   wholesaler  reliability  WhatsApp  e-mail
//   A           0.95         yes       yes
//   B           0.90         no        yes
//   C           0.80         yes       no
//   D           0.99         yes       yes   (stocks nothing)
#pragma once

#include <string>

#include "adapters/db/pg_connection.hpp"

namespace khaacho::test::sourcing {

inline const std::string sugar = "11111111-1111-4111-8111-000000000001";
inline const std::string nun = "11111111-1111-4111-8111-000000000002";
inline const std::string waiwai_chicken = "11111111-1111-4111-8111-000000000003";
inline const std::string waiwai_veg = "11111111-1111-4111-8111-000000000004";
inline const std::string dettol = "11111111-1111-4111-8111-000000000005";
inline const std::string mustard_oil = "11111111-1111-4111-8111-000000000006";

inline const std::string wholesaler_a = "22222222-2222-4222-8222-00000000000a";
inline const std::string wholesaler_b = "22222222-2222-4222-8222-00000000000b";
inline const std::string wholesaler_c = "22222222-2222-4222-8222-00000000000c";
inline const std::string wholesaler_d = "22222222-2222-4222-8222-00000000000d";

/// Inserts the catalog above and bumps catalog_state.version.
void seed(db::pg_connection& db);

/// Writes the ocr and extract checkpoints of `order_id` as if those stages
/// had read `items_json` ({"items": [...]}, the extract checkpoint shape), so
/// the pipeline resumes at normalize.
void checkpoint_reading(db::pg_connection& db, const std::string& order_id,
                        const std::string& items_json);

/// An extract-checkpoint item.
std::string item(const std::string& name, double quantity, const std::string& unit);

}  // namespace khaacho::test::sourcing
