ALTER TABLE v_customers DROP COLUMN v_tax_rate_ref_id;
