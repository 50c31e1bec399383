ALTER TABLE v_customers DROP COLUMN v_payment_ref_id;
