-- Deploy flipr:change_42 to pg

BEGIN;

ALTER TABLE f_reviews DROP COLUMN note;
ALTER TABLE f_coupons ADD COLUMN email varchar(255);

COMMIT;
