DROP TRIGGER v_warehouses_set_updated_at ON v_warehouses;
ALTER TABLE v_orders ALTER COLUMN version TYPE integer;
