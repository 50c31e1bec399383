ALTER TABLE v_suppliers ADD COLUMN amount_cents bigint;
