-- Revert flipr:change_26 from pg

BEGIN;

DROP TABLE f_coupons;
DROP TABLE f_reviews;

COMMIT;
