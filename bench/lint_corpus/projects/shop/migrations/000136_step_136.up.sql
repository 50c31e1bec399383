BEGIN;

ALTER TABLE webhooks ALTER COLUMN priority TYPE bigint;

COMMIT;
