ALTER TABLE order_items_archive ADD COLUMN position integer;
