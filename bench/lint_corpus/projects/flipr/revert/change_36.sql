-- Revert flipr:change_36 from pg

BEGIN;

ALTER TABLE f_carts DROP COLUMN is_archived;
DROP TABLE f_refunds;

COMMIT;
