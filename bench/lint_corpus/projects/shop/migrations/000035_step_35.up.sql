BEGIN;

ALTER TABLE reviews ADD COLUMN amount_cents bigint;

COMMIT;
