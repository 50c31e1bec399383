BEGIN;

ALTER TABLE events ADD COLUMN is_archived boolean NOT NULL DEFAULT true;

COMMIT;
