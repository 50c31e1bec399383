-- Revert flipr:change_29 from pg

BEGIN;

ALTER TABLE f_coupons DROP COLUMN archived_at;

COMMIT;
