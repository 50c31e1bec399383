CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS v_suppliers_set_updated_at ON v_suppliers;
CREATE TRIGGER v_suppliers_set_updated_at BEFORE UPDATE ON v_suppliers FOR EACH ROW EXECUTE FUNCTION set_updated_at();
