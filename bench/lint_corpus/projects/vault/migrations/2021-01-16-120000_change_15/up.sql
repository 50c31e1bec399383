ALTER TABLE v_order_items ADD COLUMN is_archived boolean NOT NULL DEFAULT true;
