BEGIN;

ALTER TABLE products ADD CONSTRAINT products_created_at_not_null CHECK (created_at IS NOT NULL) NOT VALID;

COMMIT;
