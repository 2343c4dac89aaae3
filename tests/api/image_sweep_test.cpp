// The image lifecycle sweep in the running service: images past retention
// are deleted and their orders marked; younger ones stay.
#include <catch2/catch.hpp>

#include <thread>

#include "api/api_test_support.hpp"

using namespace khaacho;
using namespace khaacho::test;
using namespace std::chrono_literals;

TEST_CASE("the sweep deletes images past retention and marks their orders", "[api][postgres]") {
  khaacho_server srv{{"--storage.retention-days=30", "--storage.sweep-interval=1s"}};
  auto cli = srv.client();
  auto a = token_for("retailer", retailer_a);
  auto old_up = upload(cli, a, make_jpeg(60));
  auto new_up = upload(cli, a, make_jpeg(61));
  REQUIRE(old_up);
  REQUIRE(new_up);
  auto old_id = json_field(old_up->body, "/id");
  auto new_key = json_field(new_up->body, "/imageKey");
  REQUIRE(srv.db().exec("UPDATE uploaded_orders SET created_at = now() - interval '31 days'"
                        " WHERE id = $1::uuid", db::pg_params(old_id)));
  bool swept = false;
  for (int i = 0; i < 100 && !swept; ++i) {
    auto r = srv.db().exec("SELECT image_deleted_at IS NOT NULL AS gone FROM uploaded_orders"
                           " WHERE id = $1::uuid", db::pg_params(old_id));
    REQUIRE(r);
    swept = r->row(0).get<bool>("gone");
    if (!swept)
      std::this_thread::sleep_for(100ms);
  }
  REQUIRE(swept);
  auto files = srv.stored_files();
  REQUIRE(files.size() == 1);
  CHECK(files.front() == new_key);
  // The order itself stays readable.
  auto doc = cli.Get(("/api/orders/uploads/" + old_id).c_str(), bearer(a));
  REQUIRE(doc);
  CHECK(doc->status == 200);
}
