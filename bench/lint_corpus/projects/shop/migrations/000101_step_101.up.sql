BEGIN;

ALTER TABLE carts_archive ADD COLUMN state text;
UPDATE carts_archive SET state = 'active' WHERE state IS NULL;
ALTER TABLE carts_archive ALTER COLUMN state SET NOT NULL;

COMMIT;
