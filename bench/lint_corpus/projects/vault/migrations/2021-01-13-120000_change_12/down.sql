ALTER TABLE v_customers DROP COLUMN locale;
