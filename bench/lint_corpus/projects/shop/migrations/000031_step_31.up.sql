BEGIN;

ALTER TABLE warehouses RENAME COLUMN currency TO new_currency;

COMMIT;
