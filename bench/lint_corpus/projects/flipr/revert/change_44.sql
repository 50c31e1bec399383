-- Revert flipr:change_44 from pg

BEGIN;

ALTER TABLE f_products DROP COLUMN is_active;
DROP TABLE f_stock_levels;

COMMIT;
