BEGIN;

ALTER TABLE cart_items ALTER COLUMN external_ref TYPE varchar(128);

COMMIT;
