ALTER TABLE v_customers ADD COLUMN v_payment_ref_id bigint;
ALTER TABLE v_customers ADD CONSTRAINT v_customers_v_payment_ref_id_fkey FOREIGN KEY (v_payment_ref_id) REFERENCES v_payments (id);
