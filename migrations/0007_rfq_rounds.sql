-- Reviews and repeated rounds: an order may send a wholesaler more than one
-- RFQ (the sure items first, the reviewed ones later), so an RFQ is unique per
-- (order, wholesaler, revision); each later revision holds only what earlier
-- ones did not ask for, so nothing is requested twice.
ALTER TABLE order_broadcast_logs ADD COLUMN revision integer NOT NULL DEFAULT 1 CHECK (revision >= 1);
ALTER TABLE order_broadcast_logs DROP CONSTRAINT order_broadcast_logs_order_wholesaler_key;
ALTER TABLE order_broadcast_logs ADD CONSTRAINT order_broadcast_logs_order_wholesaler_revision_key
  UNIQUE (order_id, wholesaler_id, revision);

-- The unit an allocation is counted in: the product's own unit when the
-- item's amount converts exactly (20 kg of a 1 kg packet = 20 packet), else
-- the item's container unit as written (5 carton of noodles: a carton's
-- content is unknown, so the wholesaler is asked in cartons).
ALTER TABLE order_item_allocations ADD COLUMN unit catalog_unit;

-- Why an item needs review, for review screens ("unit kg does not fit a
-- product sold in pcs", "2 products fit equally well").
ALTER TABLE uploaded_order_items ADD COLUMN review_reason text;
-- The best catalog string the name matched (name or alias).
ALTER TABLE uploaded_order_items ADD COLUMN matched_text text;
