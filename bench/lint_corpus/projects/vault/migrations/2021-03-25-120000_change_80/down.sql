ALTER TABLE v_suppliers DROP COLUMN metadata;
