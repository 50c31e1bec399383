ALTER TABLE v_suppliers DROP COLUMN amount_cents;
