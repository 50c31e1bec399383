ALTER TABLE order_items_archive DROP COLUMN is_active;
