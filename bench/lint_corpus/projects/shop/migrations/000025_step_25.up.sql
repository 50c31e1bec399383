BEGIN;

ALTER TABLE reviews ADD COLUMN currency char(3);

COMMIT;
