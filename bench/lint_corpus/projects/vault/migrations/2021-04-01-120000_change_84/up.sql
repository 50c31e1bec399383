ALTER TABLE v_orders ALTER COLUMN version TYPE bigint;
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS v_warehouses_set_updated_at ON v_warehouses;
CREATE TRIGGER v_warehouses_set_updated_at BEFORE UPDATE ON v_warehouses FOR EACH ROW EXECUTE FUNCTION set_updated_at();
