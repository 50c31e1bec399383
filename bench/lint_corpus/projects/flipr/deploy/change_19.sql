-- Deploy flipr:change_19 to pg

BEGIN;

ALTER TABLE f_categories ADD COLUMN state text;
UPDATE f_categories SET state = 'active' WHERE state IS NULL;
ALTER TABLE f_categories ALTER COLUMN state SET NOT NULL;

COMMIT;
