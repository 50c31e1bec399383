BEGIN;

ALTER TABLE order_items RENAME TO order_items_archive;

COMMIT;
