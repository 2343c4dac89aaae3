-- What the upload and status API needs beyond the data model of 0002.

-- Duplicate detection: the same image bytes from the same retailer within a
-- window (newest first), answered with the earlier order.
CREATE INDEX uploaded_orders_retailer_sha256_idx
  ON uploaded_orders (retailer_id, image_sha256, created_at DESC)
  WHERE image_sha256 IS NOT NULL;

-- Times in API answers: RFC 3339, UTC, milliseconds ("2026-11-29T03:08:45.123Z").
-- Status documents are assembled as JSON inside the database in one
-- statement; this keeps their time format in one place.
CREATE FUNCTION khaacho_rfc3339(t timestamptz) RETURNS text
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;
