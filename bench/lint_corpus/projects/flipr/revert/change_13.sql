-- Revert flipr:change_13 from pg

BEGIN;

ALTER TABLE f_categories DROP COLUMN is_archived;
DROP INDEX idx_f_customers_currency;

COMMIT;
