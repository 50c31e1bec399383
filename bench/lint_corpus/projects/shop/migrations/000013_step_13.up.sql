BEGIN;

ALTER TABLE order_items VALIDATE CONSTRAINT order_items_order_id_not_null;

COMMIT;
