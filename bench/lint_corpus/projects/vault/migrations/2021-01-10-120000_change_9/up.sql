ALTER TABLE v_customers ADD COLUMN email varchar(255);
ALTER TABLE v_products ADD COLUMN retries integer NOT NULL DEFAULT 0;
