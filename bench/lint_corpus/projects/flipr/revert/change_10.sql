-- Revert flipr:change_10 from pg

BEGIN;

DROP TRIGGER f_order_items_set_updated_at ON f_order_items;

COMMIT;
