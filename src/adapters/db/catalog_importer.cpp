// Catalog import: validate the three files completely, then upsert them in
// batches (one array parameter per column, unnested server-side) inside one
// transaction.
#include "adapters/db/catalog_importer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/errc.hpp"

namespace khaacho::db {

namespace {

/// Rows per statement: large enough that round trips do not dominate, small
/// enough that each statement stays well inside the statement deadline.
constexpr size_t products_per_statement = 5000;  // plus their ~4 aliases each
constexpr size_t wholesalers_per_statement = 5000;
constexpr size_t stock_rows_per_statement = 10000;

/// Serializes concurrent imports (same rows, same order: no deadlock, but
/// also no interleaved versions). Arbitrary fixed key: "khacat".
constexpr int64_t import_lock_key = 0x6b6861636174;

// Every statement after BEGIN carries this condition. pg_connection silently
// re-opens a connection the server closed between two statements; in a fresh
// session the setting does not exist and current_setting() raises, so the
// rest of an import can never run outside its transaction.
#define KHAACHO_IMPORT_GUARD "current_setting('khaacho.catalog_import') = 'on'"

// Unchanged rows are filtered out, read-only, before the INSERT: ON CONFLICT
// DO UPDATE locks (and so writes) every row it meets even when its WHERE is
// false. The filter is a scalar subquery on purpose: the planner always runs
// it as one primary-key probe per input row, where a join may be planned as
// a hash join over the whole table for every batch. A missing row gives NULL,
// which IS DISTINCT FROM any row: new rows pass.
const std::string upsert_wholesalers_sql = R"(
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],
                       $6::numeric[], $7::boolean[])
    AS t(id, name, phone, email, city, reliability_score, whatsapp_opt_in)
  WHERE )" KHAACHO_IMPORT_GUARD R"(
), written AS (
  INSERT INTO wholesalers AS w (id, name, phone, email, city, reliability_score, whatsapp_opt_in)
  SELECT i.id, i.name, i.phone, i.email, i.city, i.reliability_score, i.whatsapp_opt_in
  FROM input i
  WHERE (SELECT ROW(old.name, old.phone, old.email, old.city, old.reliability_score,
                    old.whatsapp_opt_in)
         FROM wholesalers old WHERE old.id = i.id)
        IS DISTINCT FROM ROW(i.name, i.phone, i.email, i.city, i.reliability_score,
                             i.whatsapp_opt_in)
  ON CONFLICT (id) DO UPDATE SET
    name = EXCLUDED.name, phone = EXCLUDED.phone, email = EXCLUDED.email, city = EXCLUDED.city,
    reliability_score = EXCLUDED.reliability_score, whatsapp_opt_in = EXCLUDED.whatsapp_opt_in
  RETURNING (w.xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted) AS inserted,
       count(*) FILTER (WHERE NOT inserted) AS updated
FROM written)";

const std::string upsert_products_sql = R"(
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::numeric[],
                       $6::text[], $7::text[], $8::text[])
    AS t(id, sku, name, unit, pack_size_value, pack_size_unit, pack_size_text, category)
  WHERE )" KHAACHO_IMPORT_GUARD R"(
), written AS (
  INSERT INTO products AS p (id, sku, name, unit, pack_size_value, pack_size_unit,
                             pack_size_text, category)
  SELECT i.id, i.sku, i.name, i.unit, i.pack_size_value, i.pack_size_unit, i.pack_size_text,
         i.category
  FROM input i
  WHERE (SELECT ROW(old.sku, old.name, old.unit::text, old.pack_size_value,
                    old.pack_size_unit::text, old.pack_size_text, old.category)
         FROM products old WHERE old.id = i.id)
        IS DISTINCT FROM ROW(i.sku, i.name, i.unit, i.pack_size_value, i.pack_size_unit,
                             i.pack_size_text, i.category)
  ON CONFLICT (id) DO UPDATE SET
    sku = EXCLUDED.sku, name = EXCLUDED.name, unit = EXCLUDED.unit,
    pack_size_value = EXCLUDED.pack_size_value, pack_size_unit = EXCLUDED.pack_size_unit,
    pack_size_text = EXCLUDED.pack_size_text, category = EXCLUDED.category
  RETURNING (p.xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted) AS inserted,
       count(*) FILTER (WHERE NOT inserted) AS updated
FROM written)";

// The DELETE and the INSERT see the same snapshot and touch disjoint rows:
// aliases that stay are neither deleted nor (thanks to DO NOTHING) re-added.
const std::string replace_aliases_sql = R"(
WITH input AS (
  SELECT * FROM unnest($2::uuid[], $3::text[]) AS t(product_id, alias)
  WHERE )" KHAACHO_IMPORT_GUARD R"(
), removed AS (
  DELETE FROM product_aliases a
  WHERE a.product_id = ANY ($1::uuid[])
    AND NOT EXISTS (SELECT 1 FROM input i WHERE i.product_id = a.product_id AND i.alias = a.alias)
  RETURNING 1
), added AS (
  INSERT INTO product_aliases (product_id, alias)
  SELECT product_id, alias FROM input
  ON CONFLICT DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM removed) AS removed, (SELECT count(*) FROM added) AS added)";

const std::string upsert_stock_sql = R"(
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::integer[], $4::numeric[])
    AS t(wholesaler_id, product_id, stock_qty, unit_price_npr)
  WHERE )" KHAACHO_IMPORT_GUARD R"(
), seen AS (
  INSERT INTO catalog_import_stock_keys (wholesaler_id, product_id)
  SELECT wholesaler_id, product_id FROM input
), written AS (
  INSERT INTO wholesaler_products AS s (wholesaler_id, product_id, stock_qty, unit_price_npr)
  SELECT i.wholesaler_id, i.product_id, i.stock_qty, i.unit_price_npr
  FROM input i
  WHERE (SELECT ROW(old.stock_qty, old.unit_price_npr) FROM wholesaler_products old
         WHERE old.wholesaler_id = i.wholesaler_id AND old.product_id = i.product_id)
        IS DISTINCT FROM ROW(i.stock_qty, i.unit_price_npr)
  ON CONFLICT (wholesaler_id, product_id) DO UPDATE SET
    stock_qty = EXCLUDED.stock_qty, unit_price_npr = EXCLUDED.unit_price_npr
  RETURNING (s.xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted) AS inserted,
       count(*) FILTER (WHERE NOT inserted) AS updated
FROM written)";

const std::string prune_stock_sql = R"(
DELETE FROM wholesaler_products s
WHERE s.wholesaler_id = ANY ($1::uuid[])
  AND NOT EXISTS (SELECT 1 FROM catalog_import_stock_keys k
                  WHERE k.wholesaler_id = s.wholesaler_id AND k.product_id = s.product_id)
  AND )" KHAACHO_IMPORT_GUARD;

const std::string bump_version_sql = R"(
INSERT INTO catalog_state AS c (singleton, version, updated_at, last_import_at)
SELECT true, CASE WHEN $1::boolean THEN 1 ELSE 0 END, now(), now()
WHERE )" KHAACHO_IMPORT_GUARD R"(
ON CONFLICT (singleton) DO UPDATE SET
  version = c.version + CASE WHEN $1::boolean THEN 1 ELSE 0 END,
  updated_at = CASE WHEN $1::boolean THEN now() ELSE c.updated_at END,
  last_import_at = now()
RETURNING c.version)";

// Run after a failed product batch, outside the transaction, to say which
// row clashed with which existing product.
const std::string sku_owners_sql = R"(
SELECT t.line, t.sku, p.id::text AS owner
FROM unnest($1::integer[], $2::uuid[], $3::text[]) AS t(line, id, sku)
JOIN products p ON p.sku = t.sku AND p.id <> t.id
ORDER BY t.line
LIMIT 5)";

#undef KHAACHO_IMPORT_GUARD

caf::error bad_input(std::string message) {
  return caf::make_error(errc::bad_input, std::move(message));
}

/// `err` with `context` in front of its message, keeping its code (and so
/// whether it is transient).
caf::error with_context(const caf::error& err, const std::string& context) {
  if (err.category() != caf::atom("khaacho"))
    return err;
  auto text = describe(err);
  auto colon = text.find(": ");
  auto detail = colon == std::string::npos ? text : text.substr(colon + 2);
  return caf::make_error(static_cast<errc>(err.code()), context + ": " + detail);
}

/// Records in primary-key order (lower-case UUID text sorts like PostgreSQL's
/// uuid type, byte by byte). The ids are random UUIDs, so file order
/// would scatter every batch over the whole index; key order turns index and
/// foreign-key lookups into near-sequential access (stock: 17 s -> 10 s for
/// 800,000 rows).
template <class Record, class Less>
std::vector<const Record*> in_key_order(const std::vector<Record>& records, Less less) {
  std::vector<const Record*> out;
  out.reserve(records.size());
  for (const auto& r : records)
    out.push_back(&r);
  std::sort(out.begin(), out.end(), [&](const Record* a, const Record* b) { return less(*a, *b); });
  return out;
}

constexpr auto by_id = [](const auto& a, const auto& b) { return a.id < b.id; };

/// A batch of rows, for messages: "products.csv (5000 rows between lines 2 and 9871)".
template <class Record>
std::string rows_of(const std::string& file, const std::vector<const Record*>& rows,
                    size_t begin, size_t end) {
  size_t lo = rows[begin]->line;
  size_t hi = lo;
  for (size_t i = begin; i < end; ++i) {
    lo = std::min(lo, rows[i]->line);
    hi = std::max(hi, rows[i]->line);
  }
  return file + " (" + std::to_string(end - begin) + " rows between lines " + std::to_string(lo)
         + " and " + std::to_string(hi) + ")";
}

std::string two_decimals(double x) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", x);
  return buf;
}

/// Builds one array literal per column for rows [begin, end).
template <class Record, class AddRow>
std::vector<pg_value> column_arrays(const std::vector<const Record*>& rows, size_t begin,
                                    size_t end, size_t columns, AddRow add_row) {
  std::vector<pg_array_literal> arrays(columns);
  for (size_t i = begin; i < end; ++i)
    add_row(*rows[i], arrays);
  std::vector<pg_value> params;
  params.reserve(columns);
  for (auto& a : arrays)
    params.emplace_back(a.release());
  return params;
}

int64_t count_of(const pg_result& res, std::string_view column) {
  return res.empty() ? 0 : res.row(0).get<int64_t>(column);
}

/// One import run on one connection: BEGIN, the batches, COMMIT.
class import_run {
public:
  import_run(pg_connection& conn, const catalog_files& files)
    : conn_(conn),
      products_(in_key_order(files.products, by_id)),
      wholesalers_(in_key_order(files.wholesalers, by_id)),
      stock_(in_key_order(files.stock, [](const auto& a, const auto& b) {
        return a.wholesaler_id != b.wholesaler_id ? a.wholesaler_id < b.wholesaler_id
                                                  : a.product_id < b.product_id;
      })) {}

  caf::expected<import_report> run() {
    report_.products = products_.size();
    report_.wholesalers = wholesalers_.size();
    report_.stock_rows = stock_.size();
    for (const auto* p : products_)
      report_.aliases += p->aliases.size();
    if (auto ok = begin(); !ok)
      return abort(ok.error());
    if (auto ok = wholesalers(); !ok)
      return abort(ok.error());
    if (auto ok = products(); !ok)
      return abort(ok.error());
    if (auto ok = stock(); !ok)
      return abort(ok.error());
    if (auto ok = bump_version(); !ok)
      return abort(ok.error());
    in_transaction_ = false;
    if (auto ok = conn_.exec_script("COMMIT"); !ok)
      return ok.error();
    // COMMIT sent into a session that replaced a dead one only warns "no
    // transaction in progress"; the backend pid tells the two apart.
    auto pid = conn_.exec("SELECT pg_backend_pid() AS pid");
    if (!pid)
      return pid.error();
    if (pid->row(0).get<int64_t>("pid") != backend_pid_)
      return caf::make_error(errc::db_unavailable,
                             "the database connection was replaced during the catalog import, "
                             "so it may not have been applied; run it again (it is idempotent)");
    return report_;
  }

private:
  caf::expected<void> begin() {
    if (auto ok = conn_.exec_script("BEGIN"); !ok)
      return ok.error();
    in_transaction_ = true;
    auto started = conn_.exec(
      "SELECT pg_backend_pid() AS pid, set_config('khaacho.catalog_import', 'on', true) AS guard");
    if (!started)
      return started.error();
    backend_pid_ = started->row(0).get<int64_t>("pid");
    if (auto locked = conn_.exec("SELECT pg_advisory_xact_lock($1)", pg_params(import_lock_key));
        !locked)
      return locked.error();
    auto created = conn_.exec("CREATE TEMP TABLE catalog_import_stock_keys ("
                              " wholesaler_id uuid NOT NULL, product_id uuid NOT NULL)"
                              " ON COMMIT DROP");
    if (!created)
      return created.error();
    return caf::unit;
  }

  caf::error abort(const caf::error& err) {
    if (in_transaction_ && conn_.healthy())
      conn_.exec_script("ROLLBACK");
    in_transaction_ = false;
    return err;
  }

  caf::expected<void> wholesalers() {
    const auto& rows = wholesalers_;
    for (size_t begin = 0; begin < rows.size(); begin += wholesalers_per_statement) {
      size_t end = std::min(rows.size(), begin + wholesalers_per_statement);
      auto params = column_arrays(rows, begin, end, 7, [](const auto& w, auto& a) {
        a[0].add(w.id);
        a[1].add(w.name);
        a[2].add(w.phone);
        a[3].add_value(w.email ? pg_value{*w.email} : pg_value{});
        a[4].add_value(w.city.empty() ? pg_value{} : pg_value{w.city});
        a[5].add(two_decimals(w.reliability_score));
        a[6].add(w.whatsapp_opt_in ? "true" : "false");
      });
      auto res = conn_.exec(upsert_wholesalers_sql, std::move(params));
      if (!res)
        return with_context(res.error(),
                            "importing " + rows_of("wholesalers.csv", rows, begin, end));
      report_.wholesalers_inserted += static_cast<size_t>(count_of(*res, "inserted"));
      report_.wholesalers_updated += static_cast<size_t>(count_of(*res, "updated"));
    }
    return caf::unit;
  }

  caf::expected<void> products() {
    const auto& rows = products_;
    for (size_t begin = 0; begin < rows.size(); begin += products_per_statement) {
      size_t end = std::min(rows.size(), begin + products_per_statement);
      auto where = rows_of("products.csv", rows, begin, end);
      auto params = column_arrays(rows, begin, end, 8, [](const auto& p, auto& a) {
        a[0].add(p.id);
        a[1].add(p.sku);
        a[2].add(p.name);
        a[3].add(p.unit);
        a[4].add_value(p.pack ? pg_value{p.pack->amount} : pg_value{});
        a[5].add_value(p.pack ? pg_value{p.pack->unit} : pg_value{});
        a[6].add_value(p.pack_size_text.empty() ? pg_value{} : pg_value{p.pack_size_text});
        a[7].add(p.category);
      });
      auto res = conn_.exec(upsert_products_sql, std::move(params));
      if (!res) {
        if (describe(res.error()).find("products_sku_key") != std::string::npos)
          return explain_sku_clash(begin, end, res.error());
        return with_context(res.error(), "importing " + where);
      }
      report_.products_inserted += static_cast<size_t>(count_of(*res, "inserted"));
      report_.products_updated += static_cast<size_t>(count_of(*res, "updated"));
      if (auto ok = aliases(begin, end, where); !ok)
        return ok.error();
    }
    return caf::unit;
  }

  caf::expected<void> aliases(size_t begin, size_t end, const std::string& where) {
    pg_array_literal ids;
    pg_array_literal alias_products;
    pg_array_literal alias_texts;
    for (size_t i = begin; i < end; ++i) {
      const auto& p = *products_[i];
      ids.add(p.id);
      for (const auto& alias : p.aliases) {
        alias_products.add(p.id);
        alias_texts.add(alias);
      }
    }
    auto res = conn_.exec(replace_aliases_sql, {ids.release(), alias_products.release(),
                                                alias_texts.release()});
    if (!res)
      return with_context(res.error(), "importing the aliases of " + where);
    report_.aliases_inserted += static_cast<size_t>(count_of(*res, "added"));
    report_.aliases_removed += static_cast<size_t>(count_of(*res, "removed"));
    return caf::unit;
  }

  /// Rolls back (the transaction is aborted anyway), then names the rows
  /// whose SKU belongs to another product already in the database.
  caf::error explain_sku_clash(size_t begin, size_t end, const caf::error& original) {
    abort(original);
    pg_array_literal lines;
    pg_array_literal ids;
    pg_array_literal skus;
    for (size_t i = begin; i < end; ++i) {
      lines.add(std::to_string(products_[i]->line));
      ids.add(products_[i]->id);
      skus.add(products_[i]->sku);
    }
    auto owners = conn_.exec(sku_owners_sql, {lines.release(), ids.release(), skus.release()});
    if (!owners || owners->empty())
      return with_context(original,
                          "importing " + rows_of("products.csv", products_, begin, end));
    std::string message;
    for (size_t i = 0; i < owners->size(); ++i) {
      auto r = owners->row(i);
      if (!message.empty())
        message += "\n";
      message += "products.csv:" + std::to_string(r.get<int64_t>("line")) + ": column 'sku': \""
                 + r.get<std::string>("sku") + "\" already belongs to product "
                 + r.get<std::string>("owner") + " in the database";
    }
    return bad_input(message + "\nnothing was imported");
  }

  caf::expected<void> stock() {
    const auto& rows = stock_;
    for (size_t begin = 0; begin < rows.size(); begin += stock_rows_per_statement) {
      size_t end = std::min(rows.size(), begin + stock_rows_per_statement);
      auto params = column_arrays(rows, begin, end, 4, [](const auto& s, auto& a) {
        a[0].add(s.wholesaler_id);
        a[1].add(s.product_id);
        a[2].add(std::to_string(s.stock_qty));
        a[3].add(s.unit_price_text());
      });
      auto res = conn_.exec(upsert_stock_sql, std::move(params));
      if (!res)
        return with_context(res.error(), "importing " + rows_of("stock.csv", rows, begin, end));
      report_.stock_inserted += static_cast<size_t>(count_of(*res, "inserted"));
      report_.stock_updated += static_cast<size_t>(count_of(*res, "updated"));
    }
    // The key table is never analyzed by autovacuum (temporary); without
    // statistics the planner would guess a handful of rows and nest-loop.
    if (auto ok = conn_.exec("ANALYZE catalog_import_stock_keys"); !ok)
      return ok.error();
    pg_array_literal wholesaler_ids;
    for (const auto* w : wholesalers_)
      wholesaler_ids.add(w->id);
    auto pruned = conn_.exec(prune_stock_sql, {wholesaler_ids.release()});
    if (!pruned)
      return with_context(pruned.error(), "removing stock rows missing from stock.csv");
    report_.stock_removed = static_cast<size_t>(pruned->affected_rows);
    return caf::unit;
  }

  caf::expected<void> bump_version() {
    report_.catalog_changed = report_.products_inserted + report_.products_updated
                                + report_.aliases_inserted + report_.aliases_removed
                              > 0;
    auto res = conn_.exec(bump_version_sql, pg_params(report_.catalog_changed));
    if (!res)
      return with_context(res.error(), "bumping the catalog version");
    report_.catalog_version = res->row(0).get<int64_t>("version");
    return caf::unit;
  }

  pg_connection& conn_;
  std::vector<const model::product_record*> products_;
  std::vector<const model::wholesaler_record*> wholesalers_;
  std::vector<const model::stock_record*> stock_;
  import_report report_;
  int64_t backend_pid_ = 0;
  bool in_transaction_ = false;
};

/// The whole file, or an error naming it.
caf::expected<std::string> read_file(const std::string& dir, const char* name) {
  auto path = dir + "/" + name;
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return bad_input("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad())
    return bad_input("cannot read " + path + ": " + std::strerror(errno));
  return std::move(buf).str();
}

}  // namespace

std::string to_string(const import_report& r) {
  auto n = [](size_t x) { return std::to_string(x); };
  return "imported " + n(r.products) + " products (" + n(r.products_inserted) + " new, "
         + n(r.products_updated) + " changed), " + n(r.aliases) + " aliases ("
         + n(r.aliases_inserted) + " added, " + n(r.aliases_removed) + " removed), "
         + n(r.wholesalers) + " wholesalers (" + n(r.wholesalers_inserted) + " new, "
         + n(r.wholesalers_updated) + " changed), " + n(r.stock_rows) + " stock rows ("
         + n(r.stock_inserted) + " new, " + n(r.stock_updated) + " changed, "
         + n(r.stock_removed) + " removed); catalog version "
         + std::to_string(r.catalog_version) + (r.catalog_changed ? "" : " (unchanged)");
}

caf::expected<import_report> import_catalog(pg_connection& conn, const catalog_files& files) {
  auto dangling = model::check_stock_references(files.stock, files.products, files.wholesalers);
  if (!dangling.empty()) {
    std::string message = "catalog not imported:";
    for (const auto& e : dangling)
      message += "\n" + e;
    return bad_input(message);
  }
  return import_run{conn, files}.run();
}

caf::expected<import_report> import_catalog(pg_connection& conn, const std::string& dir) {
  catalog_files files;
  std::vector<std::string> errors;
  // One file in memory at a time: a 200,000-product folder is ~100 MB of text.
  {
    auto text = read_file(dir, "products.csv");
    if (!text)
      return text.error();
    auto parsed = model::parse_products(*text);
    files.products = std::move(parsed.records);
    errors.insert(errors.end(), parsed.errors.begin(), parsed.errors.end());
  }
  {
    auto text = read_file(dir, "wholesalers.csv");
    if (!text)
      return text.error();
    auto parsed = model::parse_wholesalers(*text);
    files.wholesalers = std::move(parsed.records);
    errors.insert(errors.end(), parsed.errors.begin(), parsed.errors.end());
  }
  {
    auto text = read_file(dir, "stock.csv");
    if (!text)
      return text.error();
    auto parsed = model::parse_stock(*text);
    files.stock = std::move(parsed.records);
    errors.insert(errors.end(), parsed.errors.begin(), parsed.errors.end());
  }
  // References are only meaningful once every file parsed cleanly.
  if (errors.empty())
    errors = model::check_stock_references(files.stock, files.products, files.wholesalers);
  if (!errors.empty()) {
    std::string message = "catalog in " + dir + " not imported:";
    for (const auto& e : errors)
      message += "\n" + e;
    return bad_input(message);
  }
  return import_run{conn, files}.run();
}

}  // namespace khaacho::db
