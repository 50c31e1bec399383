-- Revert flipr:change_31 from pg

BEGIN;

ALTER TABLE f_payments DROP COLUMN f_order_link_id;

COMMIT;
