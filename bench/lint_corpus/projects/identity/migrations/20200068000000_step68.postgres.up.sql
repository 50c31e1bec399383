ALTER TABLE id_cart_items ADD COLUMN is_active_flag boolean NOT NULL DEFAULT true;
