-- Revert flipr:change_17 from pg

BEGIN;

ALTER TABLE f_payments DROP COLUMN expires_at;
ALTER TABLE f_categories ADD COLUMN is_archived boolean;
DROP TABLE f_invoices;
ALTER TABLE f_customers DROP CONSTRAINT f_customers_id_not_null_v;

COMMIT;
