BEGIN;

ALTER TABLE addresses ALTER COLUMN external_ref TYPE varchar(128);

COMMIT;
