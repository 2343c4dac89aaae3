-- Webhooks (API.md, "Webhooks"): retailers' endpoints, the history of order
-- status changes, and a delivery outbox filled in the same transaction as the
-- status change itself, so no change is ever lost or announced twice.

CREATE TABLE webhooks (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Not a foreign key, for the same reason as uploaded_orders.retailer_id.
  retailer_id  uuid NOT NULL,
  -- https in production; http is accepted for loopback endpoints in development
  -- (the API layer decides which it allows).
  url          text NOT NULL CHECK (url ~ '^https?://[^[:space:]]+$'),
  -- HMAC-SHA256 key for Khaacho-Signature. Kept in clear because signing needs
  -- it; it is shown to the client once, at creation, and never logged.
  secret       text NOT NULL CHECK (length(secret) >= 16),
  created_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT webhooks_retailer_url_key UNIQUE (retailer_id, url)
);

-- Every status change of an order, written by the trigger below.
CREATE TABLE order_status_events (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id     uuid NOT NULL REFERENCES uploaded_orders (id) ON DELETE CASCADE,
  retailer_id  uuid NOT NULL,
  from_status  order_status,
  status       order_status NOT NULL,
  occurred_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_status_events_order_idx ON order_status_events (order_id, id);

-- One POST of one event to one webhook. A sender claims due rows with
-- FOR UPDATE SKIP LOCKED (as for notifications), posts
-- {"event": "order.status_changed", "orderId", "status", "occurredAt"} built
-- from the event row, and records the answer.
CREATE TABLE webhook_deliveries (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id         bigint NOT NULL REFERENCES order_status_events (id) ON DELETE CASCADE,
  webhook_id       uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  claimed_by       text,
  claimed_until    timestamptz,
  response_status  integer,
  last_error       text,
  delivered_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT webhook_deliveries_event_webhook_key UNIQUE (event_id, webhook_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
  WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id);
CREATE TRIGGER webhook_deliveries_touch BEFORE UPDATE ON webhook_deliveries
  FOR EACH ROW EXECUTE FUNCTION khaacho_touch_updated_at();

-- In the database rather than in each code path that changes a status (upload,
-- supervisor, review, retry, cancel): the event and its deliveries commit or
-- roll back with the change.
CREATE FUNCTION khaacho_record_status_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  new_event_id bigint;
BEGIN
  INSERT INTO order_status_events (order_id, retailer_id, from_status, status)
    VALUES (NEW.id, NEW.retailer_id, OLD.status, NEW.status)
    RETURNING id INTO new_event_id;
  INSERT INTO webhook_deliveries (event_id, webhook_id)
    SELECT new_event_id, w.id FROM webhooks w WHERE w.retailer_id = NEW.retailer_id;
  RETURN NULL;
END
$$;

CREATE TRIGGER uploaded_orders_status_change
  AFTER UPDATE OF status ON uploaded_orders
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION khaacho_record_status_change();
