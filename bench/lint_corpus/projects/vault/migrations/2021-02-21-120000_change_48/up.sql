ALTER TABLE v_order_items ADD COLUMN is_active boolean NOT NULL DEFAULT true;
