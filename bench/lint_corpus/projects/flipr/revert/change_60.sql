-- Revert flipr:change_60 from pg

BEGIN;

ALTER TABLE f_order_items DROP COLUMN position;
ALTER TABLE f_carts DROP COLUMN is_default;

COMMIT;
