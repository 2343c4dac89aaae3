-- Catalog: retailers, products and their aliases, wholesalers and their stock,
-- and the catalog version the in-memory normalizer watches.

-- Keeps updated_at honest for every writer, so no code path can forget it.
CREATE FUNCTION khaacho_touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

-- The 15 canonical units of data/catalog/README.md: the only units a product is
-- sold in and the only units an order item is normalized to.
CREATE DOMAIN catalog_unit AS text
  CHECK (VALUE IN ('kg', 'g', 'l', 'ml', 'pcs', 'packet', 'carton', 'dozen', 'bottle',
                   'box', 'bag', 'can', 'jar', 'bundle', 'tray'));

-- A shop that uploads orders. Tokens carry a retailerId that may have no row
-- here (retailers are managed elsewhere), so orders and webhooks do NOT
-- reference this table by foreign key; it holds optional profile data.
CREATE TABLE retailers (
  id          uuid PRIMARY KEY,
  name        text,
  phone       text,
  email       text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER retailers_touch BEFORE UPDATE ON retailers
  FOR EACH ROW EXECUTE FUNCTION khaacho_touch_updated_at();

-- Ids come from the catalog CSV and are kept: order images' ground truth refers to them.
CREATE TABLE products (
  id               uuid PRIMARY KEY,
  sku              text NOT NULL CONSTRAINT products_sku_key UNIQUE
                     CHECK (sku <> '' AND sku = btrim(sku)),
  name             text NOT NULL CHECK (btrim(name) <> ''),
  unit             catalog_unit NOT NULL,
  -- Contents of one `unit` ("75 g" = 75, 'g'); NULL for loose goods and items
  -- without a meaningful size. pack_size_text keeps the CSV spelling.
  pack_size_value  numeric CHECK (pack_size_value > 0),
  pack_size_unit   catalog_unit,
  pack_size_text   text,
  category         text NOT NULL CHECK (category ~ '^[a-z][a-z0-9_]*$'),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT products_pack_size_complete
    CHECK ((pack_size_value IS NULL) = (pack_size_unit IS NULL))
);
CREATE TRIGGER products_touch BEFORE UPDATE ON products
  FOR EACH ROW EXECUTE FUNCTION khaacho_touch_updated_at();

-- Other names of a product (misspellings, romanized Nepali, Devanagari).
-- The demo catalog never gives one alias to two products, but large catalogs
-- do ("wai wai chicken" fits every pack size of it), so an alias is unique per
-- product only; the matcher scores the candidates.
CREATE TABLE product_aliases (
  product_id  uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  alias       text NOT NULL CHECK (alias <> '' AND alias = btrim(alias)),
  PRIMARY KEY (product_id, alias)
);
CREATE INDEX product_aliases_lower_alias_idx ON product_aliases (lower(alias));

CREATE TABLE wholesalers (
  id                 uuid PRIMARY KEY,
  name               text NOT NULL CHECK (btrim(name) <> ''),
  -- E.164 without spaces, e.g. +9779812345678.
  phone              text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
  email              text CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  city               text,
  -- Higher is more reliable; ranking prefers it.
  reliability_score  numeric(3,2) NOT NULL CHECK (reliability_score BETWEEN 0 AND 1),
  whatsapp_opt_in    boolean NOT NULL DEFAULT false,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER wholesalers_touch BEFORE UPDATE ON wholesalers
  FOR EACH ROW EXECUTE FUNCTION khaacho_touch_updated_at();

-- What a wholesaler carries: stock in the product's unit and its price.
CREATE TABLE wholesaler_products (
  wholesaler_id   uuid NOT NULL REFERENCES wholesalers (id) ON DELETE CASCADE,
  product_id      uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  stock_qty       integer NOT NULL CHECK (stock_qty >= 0),
  unit_price_npr  numeric(12,2) NOT NULL CHECK (unit_price_npr >= 0),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (wholesaler_id, product_id)
);
-- Ranking asks "who stocks product P"; the covering columns spare a heap visit.
CREATE INDEX wholesaler_products_product_idx ON wholesaler_products (product_id)
  INCLUDE (stock_qty, unit_price_npr);
CREATE TRIGGER wholesaler_products_touch BEFORE UPDATE ON wholesaler_products
  FOR EACH ROW EXECUTE FUNCTION khaacho_touch_updated_at();

-- One row. `version` grows whenever products or product_aliases change, so a
-- normalizer holding the catalog in memory polls one cheap row to know when
-- to reload. Every writer of those tables bumps it in the same transaction
-- (the catalog import does).
CREATE TABLE catalog_state (
  singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version         bigint NOT NULL DEFAULT 0,
  updated_at      timestamptz NOT NULL DEFAULT now(),  -- when version last grew
  last_import_at  timestamptz                           -- last import, changed or not
);
INSERT INTO catalog_state (singleton) VALUES (true);
