CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS id_warehouses_set_updated_at ON id_warehouses;
CREATE TRIGGER id_warehouses_set_updated_at BEFORE UPDATE ON id_warehouses FOR EACH ROW EXECUTE FUNCTION set_updated_at();
