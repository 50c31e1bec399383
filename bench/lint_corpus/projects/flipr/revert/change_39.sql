-- Revert flipr:change_39 from pg

BEGIN;

ALTER TABLE f_coupons DROP COLUMN f_addresse_ref_id;

COMMIT;
