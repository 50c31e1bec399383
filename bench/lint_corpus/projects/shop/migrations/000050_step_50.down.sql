ALTER TABLE order_items_archive RENAME TO order_items;
