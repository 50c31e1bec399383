ALTER TABLE v_customers ADD COLUMN v_tax_rate_ref_id bigint;
ALTER TABLE v_customers ADD CONSTRAINT v_customers_v_tax_rate_ref_id_fkey FOREIGN KEY (v_tax_rate_ref_id) REFERENCES v_tax_rates (id);
