BEGIN;

ALTER TABLE cart_items DROP COLUMN position;
ALTER TABLE orders_1 ADD COLUMN amount_cents bigint;

COMMIT;
