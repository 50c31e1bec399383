BEGIN;

ALTER TABLE products VALIDATE CONSTRAINT products_created_at_not_null;

COMMIT;
