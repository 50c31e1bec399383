BEGIN;

ALTER TABLE comments VALIDATE CONSTRAINT comments_updated_at_not_null;

COMMIT;
