BEGIN;

ALTER TABLE comments ADD CONSTRAINT comments_updated_at_not_null CHECK (updated_at IS NOT NULL) NOT VALID;

COMMIT;
