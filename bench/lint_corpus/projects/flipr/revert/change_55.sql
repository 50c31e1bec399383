-- Revert flipr:change_55 from pg

BEGIN;

ALTER TABLE f_tax_rates DROP COLUMN f_coupon_link_id;

COMMIT;
