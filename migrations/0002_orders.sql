-- Orders: the uploaded photo, its pipeline state (status, lease, per-stage
-- attempts and checkpoints) and the extracted items with their allocations.
-- The database is the pipeline's memory: a crashed node's orders resume from
-- these rows (DESIGN.md, "State and recovery").

CREATE TYPE order_status AS ENUM ('PROCESSING', 'COMPLETED', 'PENDING_REVIEW', 'FAILED');

-- The stages in pipeline order.
CREATE DOMAIN pipeline_stage AS text
  CHECK (VALUE IN ('ocr', 'extract', 'normalize', 'rank', 'rfq', 'notify'));

CREATE TABLE uploaded_orders (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Not a foreign key: the retailerId of a signed token is authoritative and
  -- may have no retailers row (see 0001). The indexes below lead with it.
  retailer_id         uuid NOT NULL,
  status              order_status NOT NULL DEFAULT 'PROCESSING',
  current_stage       pipeline_stage,
  image_key           text NOT NULL,
  image_url           text NOT NULL,
  image_sha256        text CHECK (image_sha256 ~ '^[0-9a-f]{64}$'),
  image_content_type  text NOT NULL
                        CHECK (image_content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  image_size          bigint NOT NULL CHECK (image_size >= 0),
  -- Set when the lifecycle sweep removed the blob; the row stays.
  image_deleted_at    timestamptz,
  extracted_text      text,
  -- Mean OCR confidence scaled to 0..1 (engines reporting 0..100 are scaled by the adapter).
  ocr_confidence      real CHECK (ocr_confidence BETWEEN 0 AND 1),
  parsed_data         jsonb,
  failure_reason      text,
  -- Client's Idempotency-Key. A plain UNIQUE suffices: NULLs never collide,
  -- and a constraint (unlike a partial index) works as an ON CONFLICT target.
  idempotency_key     text CHECK (idempotency_key <> ''),
  trace_id            text,
  -- Lease: the node whose supervisor owns the order until lease_expires_at.
  -- Every supervisor write checks lease_epoch (fencing), and a claim bumps it,
  -- so a node that lost its lease cannot overwrite the new owner's work.
  owner_node          text,
  lease_expires_at    timestamptz,
  lease_epoch         bigint NOT NULL DEFAULT 0,
  -- When the next attempt of the current stage may start (backoff).
  next_attempt_at     timestamptz,
  reviewed_at         timestamptz,
  reviewed_by         text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  completed_at        timestamptz,
  CONSTRAINT uploaded_orders_retailer_idempotency_key UNIQUE (retailer_id, idempotency_key)
);
-- Claim query: PROCESSING orders without a live lease, oldest first
-- (... WHERE status = 'PROCESSING' AND (owner_node IS NULL OR lease_expires_at < now())
--  ORDER BY created_at FOR UPDATE SKIP LOCKED). now() cannot sit in an index
-- predicate, so the lease columns ride along for an index-only filter.
CREATE INDEX uploaded_orders_claim_idx ON uploaded_orders (created_at)
  INCLUDE (owner_node, lease_expires_at) WHERE status = 'PROCESSING';
-- A retailer's orders newest first, keyset cursor (created_at, id).
CREATE INDEX uploaded_orders_retailer_recent_idx
  ON uploaded_orders (retailer_id, created_at DESC, id DESC);
-- The same filtered by status (?status=).
CREATE INDEX uploaded_orders_retailer_status_recent_idx
  ON uploaded_orders (retailer_id, status, created_at DESC, id DESC);
-- Operators list every order, optionally by status.
CREATE INDEX uploaded_orders_status_recent_idx
  ON uploaded_orders (status, created_at DESC, id DESC);
CREATE INDEX uploaded_orders_recent_idx ON uploaded_orders (created_at DESC, id DESC);
-- Image lifecycle sweep: oldest images still stored.
CREATE INDEX uploaded_orders_image_sweep_idx ON uploaded_orders (created_at)
  WHERE image_deleted_at IS NULL;
CREATE TRIGGER uploaded_orders_touch BEFORE UPDATE ON uploaded_orders
  FOR EACH ROW EXECUTE FUNCTION khaacho_touch_updated_at();

-- Every attempt of every stage: the history behind GET .../uploads/{id}
-- "stages" and /admin/actors/{orderId}, and the retry counter after a crash.
CREATE TABLE order_stage_attempts (
  order_id     uuid NOT NULL REFERENCES uploaded_orders (id) ON DELETE CASCADE,
  stage        pipeline_stage NOT NULL,
  attempt      integer NOT NULL CHECK (attempt >= 1),
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  outcome      text NOT NULL DEFAULT 'running'
                 CHECK (outcome IN ('running', 'succeeded', 'failed_transient', 'failed_permanent',
                                    'timed_out', 'crashed', 'cancelled')),
  error        text,
  node         text,
  lease_epoch  bigint,
  PRIMARY KEY (order_id, stage, attempt)
);

-- A stage's output, written once it succeeded: after a crash the order
-- resumes at the first stage without a checkpoint, never from scratch.
CREATE TABLE order_stage_checkpoints (
  order_id      uuid NOT NULL REFERENCES uploaded_orders (id) ON DELETE CASCADE,
  stage         pipeline_stage NOT NULL,
  output        jsonb NOT NULL,
  lease_epoch   bigint,
  completed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, stage)
);

-- Items read from the photo (or set by a review), matched to the catalog.
CREATE TABLE uploaded_order_items (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id      uuid NOT NULL REFERENCES uploaded_orders (id) ON DELETE CASCADE,
  line_no       integer NOT NULL CHECK (line_no >= 1),
  raw_name      text NOT NULL,
  -- As written on the paper ("kgs", "केजी"); `unit` is its canonical form,
  -- NULL when the extractor could not tell.
  raw_unit      text,
  quantity      numeric NOT NULL CHECK (quantity > 0),
  unit          catalog_unit,
  product_id    uuid REFERENCES products (id) ON DELETE SET NULL,
  confidence    real CHECK (confidence BETWEEN 0 AND 1),
  needs_review  boolean NOT NULL DEFAULT false,
  -- Quantity no stocked wholesaler could cover, in the item's unit.
  shortfall     numeric NOT NULL DEFAULT 0 CHECK (shortfall >= 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (order_id, line_no)
);
CREATE INDEX uploaded_order_items_product_idx ON uploaded_order_items (product_id)
  WHERE product_id IS NOT NULL;
CREATE TRIGGER uploaded_order_items_touch BEFORE UPDATE ON uploaded_order_items
  FOR EACH ROW EXECUTE FUNCTION khaacho_touch_updated_at();

-- How an item's quantity is split across wholesalers (ranking's output);
-- RFQs group these per wholesaler.
CREATE TABLE order_item_allocations (
  item_id         uuid NOT NULL REFERENCES uploaded_order_items (id) ON DELETE CASCADE,
  wholesaler_id   uuid NOT NULL REFERENCES wholesalers (id),
  quantity        numeric NOT NULL CHECK (quantity > 0),
  -- 1 = the most reliable wholesaler chosen for this item.
  rank            smallint NOT NULL CHECK (rank >= 1),
  -- Price per unit when allocated, so later stock imports do not rewrite history.
  unit_price_npr  numeric(12,2),
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (item_id, wholesaler_id)
);
CREATE INDEX order_item_allocations_wholesaler_idx ON order_item_allocations (wholesaler_id);
