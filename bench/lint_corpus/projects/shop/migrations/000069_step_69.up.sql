BEGIN;

ALTER TABLE stock_levels ADD COLUMN is_archived boolean NOT NULL DEFAULT true;

COMMIT;
