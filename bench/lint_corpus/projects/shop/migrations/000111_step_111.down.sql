ALTER TABLE products DROP CONSTRAINT products_created_at_not_null;
