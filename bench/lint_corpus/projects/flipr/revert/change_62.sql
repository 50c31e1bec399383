-- Revert flipr:change_62 from pg

BEGIN;

ALTER TABLE f_coupons DROP COLUMN status;
ALTER TABLE f_price_lists ALTER COLUMN priority TYPE smallint;
ALTER TABLE f_stock_levels DROP COLUMN slug;

COMMIT;
