ALTER TABLE order_items_archive DROP COLUMN position;
