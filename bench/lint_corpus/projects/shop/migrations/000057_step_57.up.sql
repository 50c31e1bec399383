BEGIN;

ALTER TABLE stock_levels ADD COLUMN amount_cents bigint;

COMMIT;
