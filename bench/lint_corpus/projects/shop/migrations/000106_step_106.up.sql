BEGIN;

ALTER TABLE subscriptions ADD COLUMN is_archived boolean NOT NULL DEFAULT true;

COMMIT;
