// Catalog import against a real PostgreSQL: complete and idempotent, updates
// in place, refuses broken files without writing anything, and array literals
// that survive any text.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "adapters/db/catalog_importer.hpp"
#include "adapters/db/migrator.hpp"
#include "common/errc.hpp"
#include "support/error_checks.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

using namespace khaacho;
using namespace khaacho::db;

namespace {

const std::string demo_dir = KHAACHO_SOURCE_DIR "/data/catalog";

// Ids and rows of the demo catalog that the tests change.
const std::string waiwai_id = "3c85c8c7-50bb-433b-b84f-5894b8b44303";
const std::string ganesh_id = "135a2620-be76-478e-93dc-093c22f11160";
const std::string stock_kept = "ec1c9ce4-76a2-439e-8be3-59abee90fde4," + waiwai_id;
const std::string stock_dropped = "31276abc-0d4d-4739-968c-9062fba42b82," + waiwai_id;

/// A migrated scratch database and a connection to it.
struct migrated_db {
  test::scratch_database db;
  pg_connection conn;

  migrated_db() : conn(open(db.url())) {
    auto files = read_migration_dir(KHAACHO_SOURCE_DIR "/migrations");
    if (!files)
      FAIL(describe(files.error()));
    auto applied = migrate(conn, *files);
    if (!applied)
      FAIL(describe(applied.error()));
  }

  static pg_connection open(const std::string& url) {
    auto c = pg_connection::open(url);
    if (!c)
      FAIL("cannot connect: " << describe(c.error()));
    return std::move(*c);
  }

  pg_result query(const std::string& sql, std::vector<pg_value> params = {}) {
    auto r = conn.exec(sql, std::move(params));
    if (!r)
      FAIL(sql << ": " << describe(r.error()));
    return std::move(*r);
  }

  int64_t count(const std::string& sql) { return query(sql).row(0).get<int64_t>("n"); }

  std::string text(const std::string& sql, std::vector<pg_value> params = {}) {
    auto r = query(sql, std::move(params));
    REQUIRE(r.size() == 1);
    return r.row(0).is_null("v") ? "<null>" : r.row(0).get<std::string>("v");
  }
};

import_report import_ok(pg_connection& conn, const std::string& dir) {
  auto report = import_catalog(conn, dir);
  if (!report)
    FAIL(describe(report.error()));
  return *report;
}

std::string read_text(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  REQUIRE(in);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

/// `text` with the line starting with `prefix` replaced (or removed when
/// `replacement` is empty); the test fails if there is no such line.
std::string replace_line(const std::string& text, const std::string& prefix,
                         const std::string& replacement) {
  auto at = text.find("\n" + prefix);
  REQUIRE(at != std::string::npos);
  auto end = text.find('\n', at + 1);
  return text.substr(0, at + 1) + (replacement.empty() ? "" : replacement + "\n")
         + text.substr(end + 1);
}

/// The demo catalog copied into `dir`, each file passed through `edit`.
template <class Edit>
void write_catalog(const test::temp_dir& dir, Edit edit) {
  for (const char* name : {"products.csv", "wholesalers.csv", "stock.csv"})
    dir.write(name, edit(std::string{name}, read_text(demo_dir + "/" + name)));
}

size_t lines_in(const std::string& path) {
  auto text = read_text(path);
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) - 1;  // minus header
}

}  // namespace

TEST_CASE("the demo catalog imports completely and a second import changes nothing",
          "[postgres]") {
  migrated_db t;
  auto first = import_ok(t.conn, demo_dir);
  CHECK(first.products == 306);
  CHECK(first.products_inserted == 306);
  CHECK(first.wholesalers == 40);
  CHECK(first.wholesalers_inserted == 40);
  CHECK(first.stock_rows == 1153);
  CHECK(first.stock_inserted == 1153);
  CHECK(first.aliases_inserted == first.aliases);
  CHECK(first.aliases > 306);
  CHECK(first.catalog_changed);
  CHECK(first.catalog_version == 1);
  // The report matches the files line for line.
  CHECK(first.products == lines_in(demo_dir + "/products.csv"));
  CHECK(first.stock_rows == lines_in(demo_dir + "/stock.csv"));

  CHECK(t.count("SELECT count(*) AS n FROM products") == 306);
  CHECK(t.count("SELECT count(*) AS n FROM wholesalers") == 40);
  CHECK(t.count("SELECT count(*) AS n FROM wholesaler_products") == 1153);
  CHECK(t.count("SELECT count(*) AS n FROM product_aliases")
        == static_cast<int64_t>(first.aliases));

  // Values arrive intact: quoted commas, pack sizes, Devanagari, NULLs, prices.
  CHECK(t.text("SELECT name AS v FROM products WHERE sku = 'FLR-ATTA-WHEAFLOU'")
        == "Atta (Wheat Flour, Loose)");
  CHECK(t.text("SELECT pack_size_value || ' ' || pack_size_unit AS v FROM products WHERE id = $1",
               pg_params(waiwai_id))
        == "75 g");
  CHECK(t.text("SELECT pack_size_value::text AS v FROM products WHERE sku = 'FLR-ATTA-WHEAFLOU'")
        == "<null>");
  CHECK(t.count("SELECT count(*) AS n FROM product_aliases WHERE product_id = '" + waiwai_id
                + "' AND alias = 'वाइवाइ चिकेन'")
        == 1);
  CHECK(t.count("SELECT count(*) AS n FROM wholesalers WHERE email IS NULL") == 4);
  CHECK(t.text("SELECT reliability_score::text AS v FROM wholesalers WHERE id = $1",
               pg_params(ganesh_id))
        == "0.90");
  CHECK(t.text("SELECT stock_qty || '@' || unit_price_npr AS v FROM wholesaler_products"
               " WHERE wholesaler_id = 'ec1c9ce4-76a2-439e-8be3-59abee90fde4' AND product_id = $1",
               pg_params(waiwai_id))
        == "1190@25.84");

  auto second = import_ok(t.conn, demo_dir);
  CHECK(second.products == 306);
  CHECK(second.products_inserted == 0);
  CHECK(second.products_updated == 0);
  CHECK(second.aliases_inserted == 0);
  CHECK(second.aliases_removed == 0);
  CHECK(second.wholesalers_inserted == 0);
  CHECK(second.wholesalers_updated == 0);
  CHECK(second.stock_inserted == 0);
  CHECK(second.stock_updated == 0);
  CHECK(second.stock_removed == 0);
  CHECK_FALSE(second.catalog_changed);
  CHECK(second.catalog_version == 1);
  CHECK(t.count("SELECT count(*) AS n FROM products") == 306);
  CHECK(t.count("SELECT count(*) AS n FROM wholesalers") == 40);
  CHECK(t.count("SELECT count(*) AS n FROM wholesaler_products") == 1153);
  CHECK(t.count("SELECT count(*) AS n FROM product_aliases")
        == static_cast<int64_t>(first.aliases));
  CHECK(t.count("SELECT count(*) AS n FROM catalog_state WHERE last_import_at IS NOT NULL") == 1);
  CHECK_THAT(to_string(second), Catch::Contains("306 products (0 new, 0 changed)"));
}

TEST_CASE("a changed catalog updates rows in place and replaces aliases and stock", "[postgres]") {
  migrated_db t;
  import_ok(t.conn, demo_dir);
  const std::string new_id = "0f4b2e9a-7c1d-4e8f-9a6b-5d3c2b1a0f9e";
  test::temp_dir dir;
  write_catalog(dir, [&](const std::string& name, std::string text) {
    if (name == "products.csv") {
      // Renamed, resized, one alias dropped and a Devanagari one added.
      text = replace_line(text, waiwai_id,
                          waiwai_id + ",NDL-WAIWAICHIC-75G,\"Wai Wai Chicken Noodles, 70 g\","
                                      "packet,70 g,noodles,waiwai chicken|wai wai chiken|"
                                      "wai-wai chicken|वाइवाइ चिकेन|वाइवाइ कुखुरा");
      text += new_id + ",NDL-NEW-1,Rara Jhol Noodles 70 g,packet,70 g,noodles,rara jhol|रारा झोल\n";
    } else if (name == "wholesalers.csv") {
      text = replace_line(text, ganesh_id,
                          ganesh_id + ",Shree Ganesh Traders,+9779743521953,,Kathmandu,0.95,false");
    } else {
      text = replace_line(text, stock_kept, stock_kept + ",1000,26.5");
      text = replace_line(text, stock_dropped, "");
    }
    return text;
  });
  auto report = import_ok(t.conn, dir.path().string());
  CHECK(report.products == 307);
  CHECK(report.products_inserted == 1);
  CHECK(report.products_updated == 1);
  CHECK(report.aliases_inserted == 3);  // वाइवाइ कुखुरा, rara jhol, रारा झोल
  CHECK(report.aliases_removed == 1);   // वाईवाई चिकेन
  CHECK(report.wholesalers_inserted == 0);
  CHECK(report.wholesalers_updated == 1);
  CHECK(report.stock_rows == 1152);
  CHECK(report.stock_inserted == 0);
  CHECK(report.stock_updated == 1);
  CHECK(report.stock_removed == 1);
  CHECK(report.catalog_changed);
  CHECK(report.catalog_version == 2);

  CHECK(t.count("SELECT count(*) AS n FROM products") == 307);
  CHECK(t.text("SELECT name || '|' || pack_size_value AS v FROM products WHERE id = $1",
               pg_params(waiwai_id))
        == "Wai Wai Chicken Noodles, 70 g|70");
  CHECK(t.text("SELECT string_agg(alias, '|' ORDER BY alias) AS v FROM product_aliases"
               " WHERE product_id = $1",
               pg_params(waiwai_id))
        == "wai wai chiken|wai-wai chicken|waiwai chicken|वाइवाइ कुखुरा|वाइवाइ चिकेन");
  CHECK(t.text("SELECT reliability_score || ' ' || whatsapp_opt_in || ' '"
               " || coalesce(email, '-') AS v FROM wholesalers WHERE id = $1",
               pg_params(ganesh_id))
        == "0.95 false -");
  CHECK(t.text("SELECT stock_qty || '@' || unit_price_npr AS v FROM wholesaler_products"
               " WHERE wholesaler_id = 'ec1c9ce4-76a2-439e-8be3-59abee90fde4' AND product_id = $1",
               pg_params(waiwai_id))
        == "1000@26.50");
  CHECK(t.count("SELECT count(*) AS n FROM wholesaler_products"
                " WHERE wholesaler_id = '31276abc-0d4d-4739-968c-9062fba42b82'"
                " AND product_id = '" + waiwai_id + "'")
        == 0);
  CHECK(t.count("SELECT count(*) AS n FROM wholesaler_products") == 1152);
  // Updated rows get a fresh updated_at; untouched ones keep theirs.
  CHECK(t.count("SELECT count(*) AS n FROM products WHERE updated_at > created_at") == 1);
}

TEST_CASE("a broken catalog imports nothing and names the file and line", "[postgres]") {
  migrated_db t;
  test::temp_dir dir;
  auto [name, edit_file, prefix, replacement, expected] =
    GENERATE(table<std::string, std::string, std::string, std::string, std::string>({
      {"bad unit", "products.csv", waiwai_id,
       waiwai_id + ",NDL-WAIWAICHIC-75G,Wai Wai,pkt,75 g,noodles,waiwai", "products.csv:2: column 'unit': \"pkt\" is not a canonical unit"},
      {"negative stock", "stock.csv", stock_kept, stock_kept + ",-5,25.84",
       "stock.csv:2: column 'stock_qty': \"-5\" is not a non-negative integer"},
      {"reliability above 1", "wholesalers.csv", ganesh_id,
       ganesh_id + ",Shree Ganesh Traders,+9779743521953,,Kathmandu,1.90,true",
       "wholesalers.csv:2: column 'reliability_score': \"1.90\" is not between 0 and 1"},
      {"unknown product in stock", "stock.csv", stock_kept,
       "ec1c9ce4-76a2-439e-8be3-59abee90fde4,00000000-0000-4000-8000-000000000000,1,1.00",
       "stock.csv:2: column 'product_id': 00000000-0000-4000-8000-000000000000 is not in products.csv"},
    }));
  CAPTURE(name);
  write_catalog(dir, [&](const std::string& file, std::string text) {
    return file == edit_file ? replace_line(text, prefix, replacement) : text;
  });
  auto report = import_catalog(t.conn, dir.path().string());
  REQUIRE_FALSE(report);
  CHECK(test::has_code(report.error(), errc::bad_input));
  CHECK_THAT(describe(report.error()), Catch::Contains(expected));
  CHECK(t.count("SELECT count(*) AS n FROM products") == 0);
  CHECK(t.count("SELECT count(*) AS n FROM wholesalers") == 0);
  CHECK(t.count("SELECT count(*) AS n FROM wholesaler_products") == 0);
  CHECK(t.count("SELECT version AS n FROM catalog_state") == 0);
}

TEST_CASE("a broken catalog leaves the previous import untouched", "[postgres]") {
  migrated_db t;
  import_ok(t.conn, demo_dir);
  test::temp_dir dir;
  write_catalog(dir, [&](const std::string& file, std::string text) {
    if (file == "products.csv")  // a valid change that must not land...
      return replace_line(text, waiwai_id,
                          waiwai_id + ",NDL-WAIWAICHIC-75G,Renamed,packet,75 g,noodles,waiwai");
    if (file == "stock.csv")  // ...because of an error further on
      return text + "ec1c9ce4-76a2-439e-8be3-59abee90fde4," + waiwai_id + ",3,4.00\n";
    return text;
  });
  auto report = import_catalog(t.conn, dir.path().string());
  REQUIRE_FALSE(report);
  CHECK(test::has_code(report.error(), errc::bad_input));
  CHECK_THAT(describe(report.error()),
             Catch::Contains("stock.csv:1155: column 'product_id': duplicate row for wholesaler "
                             "ec1c9ce4-76a2-439e-8be3-59abee90fde4 and product " + waiwai_id
                             + ", first on line 2"));
  CHECK(t.text("SELECT name AS v FROM products WHERE id = $1", pg_params(waiwai_id))
        == "Wai Wai Chicken Noodles 75 g");
  CHECK(t.count("SELECT version AS n FROM catalog_state") == 1);
}

TEST_CASE("a SKU that belongs to another product in the database is refused by row",
          "[postgres]") {
  migrated_db t;
  import_ok(t.conn, demo_dir);
  test::temp_dir dir;
  dir.write("products.csv", "id,sku,name,unit,pack_size,category,aliases\n"
                            "0f4b2e9a-7c1d-4e8f-9a6b-5d3c2b1a0f9e,NDL-NEW-1,New,packet,,noodles,\n"
                            "6a0e8a3c-4b0f-4d6e-9c55-2f1e0d9c8b7a,NDL-WAIWAICHIC-75G,Copy,packet,,"
                            "noodles,copy\n");
  dir.write("wholesalers.csv", "id,name,phone,email,city,reliability_score,whatsapp_opt_in\n");
  dir.write("stock.csv", "wholesaler_id,product_id,stock_qty,unit_price_npr\n");
  auto report = import_catalog(t.conn, dir.path().string());
  REQUIRE_FALSE(report);
  CHECK(test::has_code(report.error(), errc::bad_input));
  CHECK_THAT(describe(report.error()),
             Catch::Contains("products.csv:3: column 'sku': \"NDL-WAIWAICHIC-75G\" already "
                             "belongs to product " + waiwai_id));
  CHECK(t.count("SELECT count(*) AS n FROM products") == 306);
  CHECK(t.count("SELECT count(*) AS n FROM products WHERE sku = 'NDL-NEW-1'") == 0);
}

TEST_CASE("a folder without one of the files is refused naming it", "[postgres]") {
  migrated_db t;
  test::temp_dir dir;
  dir.write("products.csv", read_text(demo_dir + "/products.csv"));
  dir.write("wholesalers.csv", read_text(demo_dir + "/wholesalers.csv"));
  auto report = import_catalog(t.conn, dir.path().string());
  REQUIRE_FALSE(report);
  CHECK(test::has_code(report.error(), errc::bad_input));
  CHECK_THAT(describe(report.error()), Catch::Contains("stock.csv"));
  CHECK(t.count("SELECT count(*) AS n FROM products") == 0);
}

TEST_CASE("array literals carry any text through PostgreSQL unchanged", "[postgres]") {
  migrated_db t;
  std::vector<pg_value> elements = {
    std::string{""},        std::string{"NULL"},        pg_value{},
    std::string{"a,b"},     std::string{"{braces}"},    std::string{"say \"chini\""},
    std::string{"back\\slash\\"}, std::string{"\\\""},  std::string{"  spaced  "},
    std::string{"two\nlines\ttab"}, std::string{"चिनी १० केजी"}, std::string{"null"},
  };
  pg_array_literal literal;
  for (const auto& e : elements)
    literal.add_value(e);
  auto res = t.query("SELECT v FROM unnest($1::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n",
                     {literal.release()});
  REQUIRE(res.size() == elements.size());
  for (size_t i = 0; i < elements.size(); ++i) {
    CAPTURE(i);
    CHECK(res.rows[i][0] == elements[i]);
  }

  pg_array_literal empty;
  auto none = t.query("SELECT count(*) AS n FROM unnest($1::text[]) AS t(v)", {empty.release()});
  CHECK(none.row(0).get<int64_t>("n") == 0);
}
