ALTER TABLE v_suppliers ADD COLUMN metadata jsonb;
