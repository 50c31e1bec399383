-- Revert flipr:change_07 from pg

BEGIN;

ALTER TABLE f_orders DROP COLUMN f_order_item_link_id;

COMMIT;
