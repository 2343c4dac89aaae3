-- Who did what through the admin API. One row per write action an
-- authenticated caller asked for (retry, cancel, run-now, pause, resume),
-- including refused ones (403 for a retailer or operator, 400/404/409/503):
-- a refused attempt is as telling as a successful one. Requests without a
-- valid token (401) are not written: nobody can be named, and anyone could
-- fill the table.
CREATE TABLE admin_audit_log (
  id            bigserial PRIMARY KEY,
  at            timestamptz NOT NULL DEFAULT now(),
  actor_sub     text NOT NULL,         -- the token's `sub`
  actor_role    text NOT NULL CHECK (actor_role IN ('retailer', 'operator', 'admin')),
  action        text NOT NULL CHECK (action IN ('retry', 'cancel', 'run-now', 'pause', 'resume')),
  target        text NOT NULL,         -- an order id or a stage name, as asked
  outcome       text NOT NULL,         -- 'applied', or the error code of the refusal
  http_status   integer NOT NULL,
  detail        text,
  request_id    text
);
-- GET /admin/audit reads newest first, keyset on id.
CREATE INDEX admin_audit_log_target_idx ON admin_audit_log (target, id DESC);

-- GET /admin/summary counts orders finished in the last hour and lists the
-- latest failures without scanning every order.
CREATE INDEX uploaded_orders_completed_idx ON uploaded_orders (completed_at DESC)
  WHERE completed_at IS NOT NULL;
