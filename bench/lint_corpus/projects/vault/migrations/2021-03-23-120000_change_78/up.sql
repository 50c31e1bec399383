ALTER TABLE v_tax_rates ALTER COLUMN external_ref TYPE varchar(128);
