ALTER TABLE order_items_archive ADD COLUMN is_active boolean NOT NULL DEFAULT true;
