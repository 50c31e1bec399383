-- Deploy flipr:change_13 to pg

BEGIN;

CREATE INDEX idx_f_customers_currency ON f_customers (currency);
ALTER TABLE f_categories ADD COLUMN is_archived boolean NOT NULL DEFAULT true;

COMMIT;
