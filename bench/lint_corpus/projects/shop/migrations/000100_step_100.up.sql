BEGIN;

ALTER TABLE stock_levels ADD COLUMN archived_at timestamptz;

COMMIT;
