ALTER TABLE products ADD CONSTRAINT products_created_at_not_null_v CHECK (created_at IS NOT NULL) NOT VALID;
ALTER TABLE products VALIDATE CONSTRAINT products_created_at_not_null_v;
