// The real normalize, rank, rfq and notify stages inside the pipeline, on a
// small hand-checkable catalog (support/sourcing_catalog.hpp): items become
// catalog matches, allocations, one RFQ per wholesaler and outbox rows, and
// none of it is written twice by retries or reviews.
#include <catch2/catch.hpp>

#include "actors/stages/normalize_stage.hpp"
#include "actors/stages/notify_stage.hpp"
#include "actors/stages/rank_stage.hpp"
#include "actors/stages/rfq_stage.hpp"
#include "services/catalog_loader.hpp"
#include "services/review_service.hpp"
#include "support/fake_whatsapp_server.hpp"
#include "support/pipeline_harness.hpp"
#include "support/sourcing_catalog.hpp"

using namespace khaacho;
using namespace khaacho::test;
namespace src = khaacho::test::sourcing;

namespace {

const std::string retailer = "0b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c11";

struct sourcing_fixture {
  explicit sourcing_fixture(std::function<void(config::settings&)> tweak = {})
    : h{std::move(tweak)} {
    init();
  }

  pipeline_harness h;
  std::shared_ptr<services::catalog_holder> catalog = std::make_shared<services::catalog_holder>();

  void init() {
    src::seed(h.db());
    auto loaded = services::load_catalog(client());
    REQUIRE(loaded);
    catalog->publish(*loaded);
    stages::stage_context ctx{&h.system(), h.pool(), h.settings(), catalog, "test-node"};
    h.overrides["normalize"] = stages::make_normalize_stage(ctx);
    h.overrides["rank"] = stages::make_rank_stage(ctx);
    h.overrides["rfq"] = stages::make_rfq_stage(ctx);
    h.overrides["notify"] = stages::make_notify_stage(ctx);
  }

  db_client client() { return db_client{h.system(), h.pool(), std::chrono::seconds{10}}; }

  std::string order(std::initializer_list<std::string> items) {
    auto id = h.add_order(retailer);
    std::string arr;
    for (const auto& i : items)
      arr += (arr.empty() ? "" : ",") + i;
    src::checkpoint_reading(h.db(), id, "{\"items\": [" + arr + "]}");
    return id;
  }

  /// One text cell of a query.
  std::string cell(const std::string& sql, const std::string& id) {
    auto r = h.db().exec(sql, db::pg_params(id));
    REQUIRE(r);
    REQUIRE(r->size() == 1);
    return r->row(0).get_optional<std::string>(r->columns.at(0)).value_or("NULL");
  }

  int64_t count(const std::string& sql, const std::string& id) {
    return std::stoll(cell(sql, id));
  }

  /// "wholesaler:quantity unit" of each allocation of the item matched to `product`.
  std::string allocations(const std::string& id, const std::string& product) {
    return cell("SELECT COALESCE(string_agg(right(a.wholesaler_id::text, 1) || ':' || a.quantity::float8"
                " || ' ' || a.unit, ',' ORDER BY a.rank), '') FROM uploaded_order_items i"
                " LEFT JOIN order_item_allocations a ON a.item_id = i.id"
                " WHERE i.order_id = $1::uuid AND i.product_id = '" + product + "'::uuid",
                id);
  }
};

}  // namespace

TEST_CASE("sure items are matched, allocated, asked for per wholesaler and notified",
          "[actors][postgres][sourcing]") {
  sourcing_fixture f;
  auto id = f.order({src::item("chini", 10, "kg"), src::item("aayo nun", 20, "kg"),
                     src::item("waiwai chicken", 5, "carton"), src::item("mustard oil", 5, "")});
  f.h.start();
  REQUIRE(f.h.wait_terminal({id}));
  CHECK(f.h.status(id) == "COMPLETED");

  CHECK(f.count("SELECT count(*) FROM uploaded_order_items WHERE order_id = $1::uuid"
                " AND product_id IS NOT NULL AND NOT needs_review", id) == 4);
  // A (0.95) has only 5 kg of sugar; B (0.90) covers 10 alone.
  CHECK(f.allocations(id, src::sugar) == "b:10 kg");
  // 20 kg of a 1 kg packet is 20 packets.
  CHECK(f.allocations(id, src::nun) == "a:20 packet");
  // A carton's content is unknown: asked whole of the most reliable stockist.
  CHECK(f.allocations(id, src::waiwai_chicken) == "a:5 carton");
  // Nobody has 5 bottles: split B (more reliable) then C.
  CHECK(f.allocations(id, src::mustard_oil) == "b:3 bottle,c:2 bottle");

  // One RFQ per wholesaler, holding its lines.
  CHECK(f.count("SELECT count(*) FROM order_broadcast_logs WHERE order_id = $1::uuid", id) == 3);
  auto a_items = f.cell("SELECT items::text FROM order_broadcast_logs WHERE order_id = $1::uuid"
                        " AND wholesaler_id = '" + src::wholesaler_a + "'", id);
  CHECK(a_items.find("Aayo Nun 1 kg") != std::string::npos);
  CHECK(a_items.find("carton") != std::string::npos);
  // Outbox: A by WhatsApp and e-mail, B by e-mail, C by WhatsApp; all sent by
  // the embedded log channel, once.
  CHECK(f.count("SELECT count(*) FROM notifications n JOIN order_broadcast_logs r ON r.id = n.rfq_id"
                " WHERE r.order_id = $1::uuid AND n.status = 'SENT' AND n.attempts = 1"
                " AND n.provider_message_id LIKE 'log:%'", id) == 4);
  CHECK(f.count("SELECT count(*) FROM order_broadcast_logs WHERE order_id = $1::uuid"
                " AND status = 'SENT'", id) == 3);
}

TEST_CASE("unsure items are flagged and not allocated; the order waits for review after the sure"
          " items' RFQs", "[actors][postgres][sourcing]") {
  sourcing_fixture f;
  auto id = f.order({src::item("chini", 10, "kg"), src::item("qwxz plugh zorkmid", 3, "packet"),
                     src::item("chini", 2, "l")});
  f.h.start();
  REQUIRE(f.h.wait_terminal({id}));
  CHECK(f.h.status(id) == "PENDING_REVIEW");
  CHECK(f.h.failure_reason(id) == "2 items need review");
  CHECK(f.count("SELECT count(*) FROM uploaded_order_items WHERE order_id = $1::uuid"
                " AND product_id IS NULL AND needs_review", id) == 1);
  // Litres of a product sold by the kilo: matched, but a person must say how much.
  auto reason = f.cell("SELECT review_reason FROM uploaded_order_items WHERE order_id = $1::uuid"
                       " AND line_no = 3", id);
  CHECK(reason.find("cannot be counted in kg") != std::string::npos);
  CHECK(f.count("SELECT count(*) FROM order_item_allocations a JOIN uploaded_order_items i"
                " ON i.id = a.item_id WHERE i.order_id = $1::uuid AND i.needs_review", id) == 0);
  // The sure sugar line went out anyway.
  CHECK(f.count("SELECT count(*) FROM order_broadcast_logs WHERE order_id = $1::uuid", id) == 1);
  CHECK(f.count("SELECT count(*) FROM notifications n JOIN order_broadcast_logs r ON r.id = n.rfq_id"
                " WHERE r.order_id = $1::uuid AND n.status = 'SENT'", id) == 1);
}

TEST_CASE("a review resumes at ranking and asks only for what was not asked before",
          "[actors][postgres][sourcing]") {
  sourcing_fixture f;
  auto id = f.order({src::item("chini", 10, "kg"), src::item("qwxz plugh zorkmid", 3, "packet")});
  f.h.start();
  REQUIRE(f.h.wait_terminal({id}));
  REQUIRE(f.h.status(id) == "PENDING_REVIEW");
  auto first_rfq = f.cell("SELECT id::text FROM order_broadcast_logs WHERE order_id = $1::uuid", id);

  services::review_service reviews{f.client(), [&](const std::string& order) { f.h.accepted(order); }};
  services::review_request req;
  req.order_id = id;
  req.reviewer = "reviewer-1";
  req.items = {{src::sugar, 10, "kg"}, {src::waiwai_veg, 3, "packet"}};
  auto answer = reviews.submit(req);
  REQUIRE(answer);
  REQUIRE(answer->outcome == services::review_outcome::resumed);
  REQUIRE(f.h.wait_terminal({id}));
  CHECK(f.h.status(id) == "COMPLETED");
  CHECK(f.cell("SELECT reviewed_by FROM uploaded_orders WHERE id = $1::uuid", id) == "reviewer-1");
  // Sugar was asked of B already: B's RFQ is not repeated or re-sent; the
  // veg noodles go to C in a new RFQ.
  CHECK(f.count("SELECT count(*) FROM order_broadcast_logs WHERE order_id = $1::uuid", id) == 2);
  CHECK(f.count("SELECT count(*) FROM order_broadcast_logs WHERE order_id = $1::uuid"
                " AND wholesaler_id = '" + src::wholesaler_c + "'", id) == 1);
  CHECK(f.count("SELECT count(*) FROM notifications WHERE rfq_id = '" + first_rfq
                + "'::uuid AND attempts = 1 AND status = 'SENT' AND $1::uuid IS NOT NULL", id) == 1);
  CHECK(f.count("SELECT count(*) FROM notifications n JOIN order_broadcast_logs r ON r.id = n.rfq_id"
                " WHERE r.order_id = $1::uuid", id) == 2);

  // A second review is refused: the order is no longer waiting for one.
  auto again = reviews.submit(req);
  REQUIRE(again);
  CHECK(again->outcome == services::review_outcome::conflict);
}

TEST_CASE("a review naming an unknown product or an impossible amount changes nothing",
          "[actors][postgres][sourcing]") {
  sourcing_fixture f;
  auto id = f.order({src::item("qwxz plugh zorkmid", 3, "packet")});
  f.h.start();
  REQUIRE(f.h.wait_terminal({id}));
  REQUIRE(f.h.status(id) == "PENDING_REVIEW");
  services::review_service reviews{f.client(), {}};
  services::review_request req;
  req.order_id = id;
  req.items = {{src::sugar, 1, "kg"}, {"33333333-3333-4333-8333-333333333333", 1, ""}};
  auto unknown = reviews.submit(req);
  REQUIRE(unknown);
  CHECK(unknown->outcome == services::review_outcome::invalid);
  CHECK(unknown->message.find("items[1].productId") != std::string::npos);
  req.items = {{src::sugar, 2, "l"}};
  auto wrong_unit = reviews.submit(req);
  REQUIRE(wrong_unit);
  CHECK(wrong_unit->outcome == services::review_outcome::invalid);
  CHECK(f.h.status(id) == "PENDING_REVIEW");
  CHECK(f.count("SELECT count(*) FROM uploaded_order_items WHERE order_id = $1::uuid"
                " AND raw_name = 'qwxz plugh zorkmid'", id) == 1);
  // Another retailer's review finds nothing.
  req.items = {{src::sugar, 2, "kg"}};
  req.scope.retailer_id = "9b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c19";
  auto other = reviews.submit(req);
  REQUIRE(other);
  CHECK(other->outcome == services::review_outcome::not_found);
}

TEST_CASE("running rfq and notify again writes and sends nothing twice",
          "[actors][postgres][sourcing]") {
  sourcing_fixture f;
  auto id = f.order({src::item("chini", 10, "kg"), src::item("aayo nun", 20, "kg")});
  f.h.start();
  REQUIRE(f.h.wait_terminal({id}));
  REQUIRE(f.h.status(id) == "COMPLETED");
  // As after a crash between the side effects and the checkpoints: the
  // stages run again over the same allocations.
  auto reset = f.h.db().exec(
    "WITH d AS (DELETE FROM order_stage_checkpoints WHERE order_id = $1::uuid"
    " AND stage IN ('rank', 'rfq', 'notify'))"
    " UPDATE uploaded_orders SET status = 'PROCESSING', completed_at = NULL WHERE id = $1::uuid",
    db::pg_params(id));
  REQUIRE(reset);
  f.h.accepted(id);
  REQUIRE(f.h.wait_terminal({id}));
  CHECK(f.h.status(id) == "COMPLETED");
  CHECK(f.count("SELECT count(*) FROM order_broadcast_logs WHERE order_id = $1::uuid", id) == 2);
  CHECK(f.count("SELECT count(*) FROM notifications n JOIN order_broadcast_logs r ON r.id = n.rfq_id"
                " WHERE r.order_id = $1::uuid AND n.attempts = 1", id) == 3);
}

TEST_CASE("an item nobody stocks keeps its whole quantity as shortfall",
          "[actors][postgres][sourcing]") {
  sourcing_fixture f;
  auto id = f.order({src::item("dettol soap", 12, "pcs")});
  f.h.start();
  REQUIRE(f.h.wait_terminal({id}));
  CHECK(f.h.status(id) == "COMPLETED");
  CHECK(f.cell("SELECT shortfall::text FROM uploaded_order_items WHERE order_id = $1::uuid", id)
        == "12");
  CHECK(f.count("SELECT count(*) FROM order_broadcast_logs WHERE order_id = $1::uuid", id) == 0);
}

namespace {

/// Settings that send WhatsApp messages to `fake` (e-mail stays log-only).
std::function<void(config::settings&)> whatsapp_to(const fake_whatsapp_server& fake) {
  auto base = fake.base_url();
  return [base](config::settings& s) {
    s.notify.whatsapp_enabled = true;
    s.notify.whatsapp_api_base = base;
    s.notify.whatsapp_token = "test-token-not-secret";
    s.notify.whatsapp_phone_number_id = "1234567890";
    s.notify.send_timeout = std::chrono::milliseconds{800};
    s.stages["notify"].max_attempts = 5;
  };
}

/// Orders the veg noodles only C stocks (C has WhatsApp, no e-mail address),
/// so the order's one notification goes to the fake; runs the order to its
/// end, which must be COMPLETED whatever the channel did.
std::string whatsapp_only_order(sourcing_fixture& f) {
  auto id = f.order({src::item("waiwai veg", 3, "packet")});
  f.h.start();
  REQUIRE(f.h.wait_terminal({id}));
  CHECK(f.h.status(id) == "COMPLETED");
  return id;
}

/// `columns` of the order's only notification.
std::string only_notification(sourcing_fixture& f, const std::string& id, const std::string& columns) {
  return f.cell("SELECT " + columns + " FROM notifications n JOIN order_broadcast_logs r"
                " ON r.id = n.rfq_id WHERE r.order_id = $1::uuid", id);
}

/// The idempotency keys the fake saw, in request order.
std::vector<std::string> callback_keys(const fake_whatsapp_server& fake) {
  std::vector<std::string> out;
  for (const auto& r : fake.requests()) {
    auto at = r.body.find("\"biz_opaque_callback_data\"");
    if (at == std::string::npos)
      continue;
    auto open = r.body.find('"', r.body.find(':', at) + 1);
    out.push_back(r.body.substr(open + 1, r.body.find('"', open + 1) - open - 1));
  }
  return out;
}

}  // namespace

TEST_CASE("a WhatsApp send that failed for now is retried with the same key until it is sent",
          "[actors][postgres][sourcing][notify]") {
  fake_whatsapp_server fake;
  fake.script(whatsapp_reply::graph_error(503, 2, "Service temporarily unavailable"));
  fake.script(whatsapp_reply::graph_error(429, 130429, "Rate limit hit", "0"));
  sourcing_fixture f{whatsapp_to(fake)};
  auto id = whatsapp_only_order(f);
  auto keys = callback_keys(fake);
  REQUIRE(keys.size() == 3);
  CHECK(keys[0] == keys[1]);
  CHECK(keys[1] == keys[2]);
  CHECK(only_notification(f, id, "n.status || ':' || n.attempts || ':' || n.provider_message_id")
          .rfind("SENT:3:wamid.", 0) == 0);
  CHECK(f.h.attempts(id, "notify").size() == 3);
}

TEST_CASE("a refused WhatsApp send fails that channel for good and is not repeated",
          "[actors][postgres][sourcing][notify]") {
  fake_whatsapp_server fake;
  fake.script(whatsapp_reply::graph_error(400, 131026, "Message undeliverable"));
  sourcing_fixture f{whatsapp_to(fake)};
  auto id = whatsapp_only_order(f);
  CHECK(fake.requests().size() == 1);
  CHECK(only_notification(f, id, "n.status || ':' || n.attempts") == "FAILED:1");
  // Every channel of the RFQ failed for good.
  CHECK(f.cell("SELECT status FROM order_broadcast_logs WHERE order_id = $1::uuid", id) == "FAILED");
  auto error = only_notification(f, id, "n.last_error");
  CHECK(error.find("test-token-not-secret") == std::string::npos);
}

TEST_CASE("a WhatsApp send without an answer is retried with the same key, then counted once",
          "[actors][postgres][sourcing][notify]") {
  fake_whatsapp_server fake;
  auto slow = whatsapp_reply::sent("wamid.late");
  slow.delay = std::chrono::milliseconds{2000};
  fake.script(slow);
  sourcing_fixture f{whatsapp_to(fake)};
  auto id = whatsapp_only_order(f);
  auto keys = callback_keys(fake);
  REQUIRE(keys.size() == 2);
  CHECK(keys[0] == keys[1]);
  CHECK(only_notification(f, id, "n.status || ':' || n.attempts") == "SENT:2");
  auto first = f.h.attempts(id, "notify");
  REQUIRE(first.size() == 2);
  CHECK(first[0].second == "failed_transient");
}
