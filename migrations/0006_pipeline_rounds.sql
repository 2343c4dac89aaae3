-- An operator's retry starts a new round for a FAILED order: attempts before
-- this moment no longer count against max_attempts, and the order's overall
-- processing deadline restarts from here.
ALTER TABLE uploaded_orders ADD COLUMN attempts_reset_at timestamptz;
