-- Revert flipr:change_42 from pg

BEGIN;

ALTER TABLE f_coupons DROP COLUMN email;
ALTER TABLE f_reviews ADD COLUMN note text;

COMMIT;
