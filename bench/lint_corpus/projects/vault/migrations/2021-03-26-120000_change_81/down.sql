DROP INDEX idx_v_payments_priority;
ALTER TABLE v_tax_rates DROP COLUMN v_supplier_ref_id;
