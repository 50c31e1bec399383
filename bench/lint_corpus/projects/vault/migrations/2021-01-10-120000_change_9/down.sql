ALTER TABLE v_products DROP COLUMN retries;
ALTER TABLE v_customers DROP COLUMN email;
