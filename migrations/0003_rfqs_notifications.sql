-- RFQs (one per order and wholesaler) and the notification outbox (one row per
-- RFQ and channel). The unique keys make retries and reviews idempotent: a
-- second attempt finds the row instead of creating a duplicate.

-- A request for quotation: the items of one order allocated to one wholesaler.
-- (The table keeps the original design's name.)
CREATE TABLE order_broadcast_logs (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id       uuid NOT NULL REFERENCES uploaded_orders (id) ON DELETE CASCADE,
  wholesaler_id  uuid NOT NULL REFERENCES wholesalers (id),
  -- PENDING until a notification got through; SENT once one did; FAILED when
  -- every channel failed for good.
  status         text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
  -- What was asked for, frozen when the RFQ was written ([{productId, name,
  -- quantity, unit}, ...]), so a later review or import cannot rewrite it.
  items          jsonb NOT NULL DEFAULT '[]',
  lease_epoch    bigint,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT order_broadcast_logs_order_wholesaler_key UNIQUE (order_id, wholesaler_id)
);
CREATE INDEX order_broadcast_logs_wholesaler_idx ON order_broadcast_logs (wholesaler_id, created_at DESC);
CREATE TRIGGER order_broadcast_logs_touch BEFORE UPDATE ON order_broadcast_logs
  FOR EACH ROW EXECUTE FUNCTION khaacho_touch_updated_at();

-- Outbox. A sender claims due rows (status PENDING or UNKNOWN, next_attempt_at
-- passed, claim expired) with FOR UPDATE SKIP LOCKED, sets claimed_by/
-- claimed_until and attempts + 1, commits, then calls the provider. A row whose
-- claim expired without an outcome, or whose call ended without an answer, is
-- UNKNOWN: it is retried with the same idempotency_key so the provider can drop
-- the duplicate. SENT and FAILED are final.
CREATE TABLE notifications (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  rfq_id               uuid NOT NULL REFERENCES order_broadcast_logs (id) ON DELETE CASCADE,
  channel              text NOT NULL CHECK (channel IN ('whatsapp', 'email')),
  -- Phone number or e-mail address at the time the RFQ was written.
  recipient            text NOT NULL,
  payload              jsonb NOT NULL DEFAULT '{}',
  status               text NOT NULL DEFAULT 'PENDING'
                         CHECK (status IN ('PENDING', 'SENT', 'FAILED', 'UNKNOWN')),
  attempts             integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  provider_message_id  text,
  idempotency_key      text NOT NULL DEFAULT gen_random_uuid()::text
                         CONSTRAINT notifications_idempotency_key UNIQUE,
  next_attempt_at      timestamptz NOT NULL DEFAULT now(),
  claimed_by           text,
  claimed_until        timestamptz,
  last_error           text,
  sent_at              timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT notifications_rfq_channel_key UNIQUE (rfq_id, channel)
);
-- The sender's poll: due rows that are not final.
CREATE INDEX notifications_due_idx ON notifications (next_attempt_at)
  WHERE status IN ('PENDING', 'UNKNOWN');
CREATE TRIGGER notifications_touch BEFORE UPDATE ON notifications
  FOR EACH ROW EXECUTE FUNCTION khaacho_touch_updated_at();
