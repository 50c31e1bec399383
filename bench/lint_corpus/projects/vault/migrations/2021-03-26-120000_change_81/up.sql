ALTER TABLE v_tax_rates ADD COLUMN v_supplier_ref_id bigint;
ALTER TABLE v_tax_rates ADD CONSTRAINT v_tax_rates_v_supplier_ref_id_fkey FOREIGN KEY (v_supplier_ref_id) REFERENCES v_suppliers (id);
CREATE INDEX idx_v_payments_priority ON v_payments (priority);
