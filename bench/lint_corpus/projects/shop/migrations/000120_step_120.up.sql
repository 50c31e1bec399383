BEGIN;

ALTER TABLE memberships ADD COLUMN state text;
UPDATE memberships SET state = 'active' WHERE state IS NULL;
ALTER TABLE memberships ALTER COLUMN state SET NOT NULL;

COMMIT;
